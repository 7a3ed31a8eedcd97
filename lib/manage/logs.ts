// What `logs()` takes and gives, the same on every platform: the lines come
// from the captured files (Windows), the journal (systemd) or the plist's
// StandardOutPath (launchd), and are read as an async iterable.
import { ServicehostError } from '../errors';
import { expectObject, optionalBoolean } from '../validate';
import { ServiceManagerError } from './errors';
import { parseSince } from './logs-since';

/** Options of {@link logs}. */
export interface LogsOptions {
  /** Only the last N lines. Default: every line there is. */
  lines?: number;
  /**
   * Only lines written at or after this time: a Date, ms since the epoch, or
   * text as `--since` takes it (`2026-12-05 14:30`, `10m`, `1 day ago`, `today`).
   */
  since?: Date | number | string;
  /** Go on with each new line as it is written, until `signal` aborts (or the loop breaks). */
  follow?: boolean;
  /** Ends a follow (and a read under way). */
  signal?: AbortSignal;
}

/** The options as a manager takes them: `since` already a moment. */
export interface ResolvedLogsOptions {
  lines?: number;
  /** ms since the epoch. */
  since?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

/**
 * A service's output, line by line, oldest first; with `follow` it goes on
 * until the signal aborts. Each `for await` reads it afresh.
 */
export interface ServiceLog extends AsyncIterable<string> {
  /** Where the lines come from: the captured files' folder, the output file, or the journalctl command. */
  source: string;
  /** What the reader said besides the lines, once they are read (journalctl: a user who may not see the system journal). */
  notices: string[];
}

/** Checks `logs()`'s options; `since` becomes ms since the epoch. */
export function resolveLogsOptions(options: unknown, where: string): ResolvedLogsOptions {
  if (options === undefined) return {};
  const object = expectObject(where, options) as LogsOptions & Record<string, unknown>;
  optionalBoolean(`${where}.follow`, object.follow);
  if (object.lines !== undefined && !(Number.isInteger(object.lines) && object.lines >= 0)) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where}.lines must be a whole number, 0 or more`);
  }
  if (object.since !== undefined && !(object.since instanceof Date) && typeof object.since !== 'number' && typeof object.since !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.since must be a Date, a number (ms since the epoch) or a string`);
  }
  if (object.signal !== undefined && !(object.signal instanceof AbortSignal)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.signal must be an AbortSignal`);
  }
  return {
    ...(object.lines === undefined ? {} : { lines: object.lines }),
    ...(object.since === undefined ? {} : { since: parseSince(object.since) }),
    ...(object.follow === undefined ? {} : { follow: object.follow }),
    ...(object.signal === undefined ? {} : { signal: object.signal }),
  };
}

/** A ServiceLog over a reader that starts afresh for each iteration. */
export function serviceLog(source: string, read: (notices: string[]) => AsyncIterable<string>): ServiceLog {
  const notices: string[] = [];
  return {
    source,
    notices,
    [Symbol.asyncIterator]: () => read(notices)[Symbol.asyncIterator](),
  };
}

/** How many of its last lines a failed start shows: a whole Node crash report (the source line, the error, ten frames). */
export const START_FAILURE_LINES = 40;

/**
 * The start failure `error`, with the lines the program wrote while starting
 * on the error (`output`) and at the end of its message, so the command's own
 * output names a missing module or a thrown error. Reading them never hides
 * the failure: when they cannot be read, the error stays as it is (also when `read` gives
 * undefined: nothing captures the program's output).
 */
export async function withStartOutput(error: unknown, read: () => Promise<string[] | undefined>): Promise<unknown> {
  if (!(error instanceof ServiceManagerError) || error.code !== 'ERR_SERVICEHOST_START_FAILED') return error;
  let lines: string[];
  try {
    const written = await read();
    // undefined: nothing captures its output (capture turned off), so there is nothing to say about it.
    if (written === undefined) return error;
    lines = written.slice(-START_FAILURE_LINES);
  } catch {
    return error;
  }
  const said = lines.length === 0 ? '\nIt wrote nothing before it ended.' : `\nIts last ${lines.length === 1 ? 'line' : `${lines.length} lines`}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
  const withLines = new ServiceManagerError(error.code, error.service, `${error.message}${said}`, error.cause);
  withLines.output = lines;
  return withLines;
}
