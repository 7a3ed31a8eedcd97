// Argument checks shared by the public functions: each throws a ServicehostError
// whose message names the function and the argument.
import { ServicehostError } from './errors';

// The most of a value's text an error message shows: a 100 KB argument must not make a 100 KB message.
const SHOWN_CHARACTERS = 80;

/**
 * A value as an error message shows it, the one place that decides: a string
 * quoted (and cut past 80 characters, saying how long it was), a number as
 * itself (NaN, Infinity: JSON would write null), anything else by its kind.
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length <= SHOWN_CHARACTERS ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS))}… (${value.length} characters)`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// What was given instead, after "got": its kind, and its value where it has one.
function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${showValue(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${showValue(value)}`;
  return showValue(value);
}

/** The name of `known` nearest `name`: the same but for case, or at most a third of its letters apart. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

// Levenshtein's distance, one row at a time; names are short.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * Refuses a key of `value` that `known` does not list: an option servicehost
 * does not know is a typo (stopTimeoutMS), never ignored. The message names
 * the key and the nearest known one, or lists them all.
 */
export function expectKnownKeys(where: (key: string) => string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    const shown = /^[A-Za-z_$][\w$]{0,79}$/u.test(key) ? key : `[${showValue(key)}]`;
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where(shown)} is not an option; ${near === undefined ? `the options are ${known.join(', ')}` : `did you mean ${near}?`}`);
  }
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
