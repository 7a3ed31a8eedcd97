// Argument checks shared by the public functions: each throws a ServicehostError
// whose message names the function and the argument.
import { ServicehostError } from './errors';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' || typeof value === 'function' ? `a ${typeof value}` : `${typeof value} ${String(value)}`;
}

export function expectObject(where: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an object; got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function expectFunction(where: string, value: unknown): (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a function; got ${describe(value)}`);
  }
  return value as (...args: never[]) => unknown;
}

export function expectInteger(where: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a number; got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where} must be an integer from ${min} to ${max}; got ${value}`);
  }
  return value;
}

export function optionalInteger(where: string, value: unknown, min: number, max: number): number | undefined {
  return value === undefined ? undefined : expectInteger(where, value, min, max);
}

export function expectOneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ServicehostError(
      typeof value === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
      `${where} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; got ${describe(value)}`,
    );
  }
  return value as T;
}

export function expectString(where: string, value: unknown, options: { nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a string; got ${describe(value)}`);
  }
  if (options.nonEmpty && value === '') throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where} must not be empty`);
  return value;
}

export function optionalBoolean(where: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a boolean; got ${describe(value)}`);
}

/** A string the operating system stores (a path, a name, an argument): NUL cannot cross into it. */
export function expectText(where: string, value: unknown, options: { nonEmpty?: boolean } = {}): string {
  const text = expectString(where, value, options);
  if (text.includes('\0')) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where} must not contain a NUL character: the system cannot store it`);
  return text;
}
