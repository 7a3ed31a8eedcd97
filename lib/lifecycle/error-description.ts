// Whatever a program throws, said safely: its log line, its message, and its
// description in JSON. A program can throw anything (a cycle, a BigInt, an
// object with no prototype, a value whose toString, toJSON or getters throw, a
// Proxy), and none of these may throw in turn: they run where a throw would
// kill the service (an uncaughtException handler, a health check's catch, the stop path).
import { inspect } from 'node:util';

/** A thrown value as JSON carries it: `error` of a stop event, an outcome or a failed step, in `JSON.stringify`. */
export interface ErrorDescription {
  /** The error's name; for a thrown value that is not an object, its type ('string', 'bigint', 'null', ...). */
  name: string;
  /** The error's message; for any other value, its text. */
  message: string;
  /** The error's code, when it is a string or a finite number. */
  code?: string | number;
  /** The error's stack, when it has one. */
  stack?: string;
}

// A property read that cannot throw (a getter, a Proxy's trap).
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Whether a thrown value's `code` is `code`; false, not a throw, when it cannot be read. */
export function hasCode(value: unknown, code: string): boolean {
  return typeof value === 'object' && value !== null && read(value, 'code') === code;
}

/** Whether a value is an Error; false, not a throw, for a Proxy whose trap throws. */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The text of any value: a string as it is, else String(value); where that
 * throws (no prototype, a toString that throws) or says nothing ('[object
 * Object]'), how util.inspect shows it, which reads no getters and runs no traps.
 */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const text = String(value);
    if (!text.startsWith('[object ')) return text;
  } catch {
    // inspect below.
  }
  try {
    return inspect(value, { depth: 1, breakLength: Infinity });
  } catch {
    return `[${typeof value}]`;
  }
}

/** The message of what was thrown: an Error's message, else the value's text. A health check's failure says this. */
export function errorMessage(error: unknown): string {
  return isError(error) ? (textOf(read(error, 'message')) ?? '') : valueText(error);
}

/** What was thrown, as a log line shows it: an Error's stack (else its name and message), else the value's text. */
export function errorText(error: unknown): string {
  if (!isError(error)) return valueText(error);
  return textOf(read(error, 'stack')) ?? `${textOf(read(error, 'name')) ?? 'Error'}: ${errorMessage(error)}`;
}

/** What was thrown, as plain data: name, message, and code and stack where it has them. */
export function describeError(error: unknown): ErrorDescription {
  if (typeof error !== 'object' || error === null) return { name: error === null ? 'null' : typeof error, message: valueText(error) };
  const code = read(error, 'code');
  const stack = textOf(read(error, 'stack'));
  return {
    name: textOf(read(error, 'name')) ?? (isError(error) ? 'Error' : 'Object'),
    message: textOf(read(error, 'message')) ?? (isError(error) ? '' : valueText(error)),
    ...(typeof code === 'string' || (typeof code === 'number' && Number.isFinite(code)) ? { code } : {}),
    ...(stack === undefined ? {} : { stack }),
  };
}

// The toJSON of an object that carries what was thrown: the same fields, `error` described.
function toJSONWithErrorDescribed(this: { error?: unknown }): object {
  return { ...this, error: describeError(this.error) };
}

/**
 * Gives `carrier` (a stop event, an outcome, a failed step's result, each with
 * `error` the value as thrown) a non-enumerable toJSON: JSON.stringify then
 * writes `error` as its {@link ErrorDescription} and never throws, while the
 * object's own fields stay what they are (spread, util.inspect and deep
 * equality see no toJSON). Returns `carrier`.
 */
export function withErrorDescribedInJSON<T extends { error?: unknown }>(carrier: T): T {
  Object.defineProperty(carrier, 'toJSON', { value: toJSONWithErrorDescribed, writable: true, configurable: true });
  return carrier;
}
