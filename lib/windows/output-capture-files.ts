// The captured output's files and settings, pure: the install-time to
// run-time contract (the SERVICEHOST_LOG_* variables), sizes as people write
// them, and the names of the rotated files and their order. Read by the
// register preload (output-capture.ts), the manager and `servicehost logs`.
import { ServicehostError } from '../errors';

/** The variables the manager writes into the service's environment; the register preload reads and removes them. */
export const LOG_VARIABLES = {
  /** The folder; capture is on when set. */
  dir: 'SERVICEHOST_LOG_DIR',
  /** Bytes. */
  maxSize: 'SERVICEHOST_LOG_MAX_SIZE',
  /** Rotated files to keep. */
  keep: 'SERVICEHOST_LOG_KEEP',
  /** `1`: also rotate at UTC midnight. */
  daily: 'SERVICEHOST_LOG_DAILY',
  /** `1`: prefix lines written through process.stdout/stderr with an ISO time. */
  timestamps: 'SERVICEHOST_LOG_TIMESTAMPS',
} as const;

/** The file written now; rotated files are `output.<UTC time>.log` beside it. */
export const CURRENT_LOG_FILE = 'output.log';
export const DEFAULT_LOG_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 10;
/** A smaller limit would rotate at nearly every line. */
export const MIN_LOG_MAX_SIZE = 1024;
export const MAX_LOG_KEEP = 10_000;

export interface CaptureSettings {
  dir: string;
  maxSize: number;
  keep: number;
  daily: boolean;
  timestamps: boolean;
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `10M`, `512K`, `1G` (powers of 1024, an optional `B` or `iB`) or plain bytes; undefined if it is none of these. */
export function parseLogSize(text: string): number | undefined {
  const match = /^(\d+)\s*([KMG]?)(?:i?B)?$/iu.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNITS[match[2]!.toUpperCase()]!;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The size limit as given to install: bytes, or a size text; checked at the edge. */
export function checkLogMaxSize(where: string, value: unknown): number {
  const bytes = typeof value === 'string' ? parseLogSize(value) : value;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes)) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where} must be a number of bytes or a size such as 10M or 512K; got ${JSON.stringify(value)}`);
  }
  if (bytes < MIN_LOG_MAX_SIZE) throw new ServicehostError('ERR_OUT_OF_RANGE', `${where} must be at least ${MIN_LOG_MAX_SIZE} bytes; got ${bytes}`);
  return bytes;
}

/** The variables for `settings`; the manager puts them into the service's environment. */
export function captureVariables(settings: CaptureSettings): Record<string, string> {
  return {
    [LOG_VARIABLES.dir]: settings.dir,
    [LOG_VARIABLES.maxSize]: String(settings.maxSize),
    [LOG_VARIABLES.keep]: String(settings.keep),
    ...(settings.daily ? { [LOG_VARIABLES.daily]: '1' } : {}),
    ...(settings.timestamps ? { [LOG_VARIABLES.timestamps]: '1' } : {}),
  };
}

/**
 * The settings in `environment`, or undefined when capture is off. A value
 * that cannot be read falls back to its default and is named in `problems`:
 * at run time the service starts anyway, and says so in its own log.
 */
export function readCaptureSettings(environment: Readonly<Record<string, string | undefined>>): { settings: CaptureSettings; problems: string[] } | undefined {
  const dir = environment[LOG_VARIABLES.dir];
  if (dir === undefined || dir === '') return undefined;
  const problems: string[] = [];
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const text = environment[name];
    if (text === undefined || text === '') return fallback;
    const value = /^\d+$/u.test(text) ? Number(text) : NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name}=${JSON.stringify(text)} is not a whole number from ${min} to ${max}; using ${fallback}`);
    return fallback;
  };
  return {
    settings: {
      dir,
      maxSize: number(LOG_VARIABLES.maxSize, DEFAULT_LOG_MAX_SIZE, MIN_LOG_MAX_SIZE, Number.MAX_SAFE_INTEGER),
      keep: number(LOG_VARIABLES.keep, DEFAULT_LOG_KEEP, 0, MAX_LOG_KEEP),
      daily: environment[LOG_VARIABLES.daily] === '1',
      timestamps: environment[LOG_VARIABLES.timestamps] === '1',
    },
    problems,
  };
}

/** `yyyymmddTHHMMSSmmmZ`, UTC: fixed width, so names sort as times do. */
export function rotationStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/gu, '');
}

const ROTATED = /^output\.(\d{8}T\d{9}Z)(?:-(\d+))?\.log$/u;

/** Whether `name` is a rotated capture file. */
export function isRotatedLogName(name: string): boolean {
  return ROTATED.test(name);
}

/**
 * The name a rotation at `at` gives the current file: `output.<stamp>.log`,
 * or `output.<stamp>-<n>.log` when that name is taken (two rotations in one
 * millisecond, or a clock set back).
 */
export function rotatedLogName(at: Date, taken: (name: string) => boolean): string {
  const stamp = rotationStamp(at);
  let name = `output.${stamp}.log`;
  for (let n = 1; taken(name); n += 1) name = `output.${stamp}-${n}.log`;
  return name;
}

/**
 * Oldest first. Plain string order is right but for one case: `-<n>` sorts
 * before `.log` and `-10` before `-2`, so names of one stamp go by their number.
 */
export function compareRotatedLogNames(a: string, b: string): number {
  const left = ROTATED.exec(a);
  const right = ROTATED.exec(b);
  if (!left || !right) return a < b ? -1 : a > b ? 1 : 0;
  if (left[1] !== right[1]) return left[1]! < right[1]! ? -1 : 1;
  return Number(left[2] ?? 0) - Number(right[2] ?? 0);
}

/** The capture files among `names`, oldest first, `output.log` (the newest) last when present. */
export function capturedLogFiles(names: readonly string[]): string[] {
  const rotated = names.filter(isRotatedLogName).sort(compareRotatedLogNames);
  return names.includes(CURRENT_LOG_FILE) ? [...rotated, CURRENT_LOG_FILE] : rotated;
}

/** The rotated files to delete so that `keep` remain. */
export function rotatedLogsBeyond(names: readonly string[], keep: number): string[] {
  const rotated = names.filter(isRotatedLogName).sort(compareRotatedLogNames);
  return rotated.slice(0, Math.max(0, rotated.length - keep));
}

/** The next UTC midnight after `now`, in ms. */
export function nextUtcMidnight(now: number): number {
  const day = 24 * 3600 * 1000;
  return Math.floor(now / day) * day + day;
}
