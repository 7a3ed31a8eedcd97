// The captured output's settings and file names, pure: the install-time to
// run-time contract (the SERVICEHOST_LOG_* variables), sizes as people write
// them, and the name a rotation gives. Read by the register preload
// (output-capture.ts) and the manager; `servicehost logs` reads the files
// back in order (manage/logs-files.ts).
import { LOG_DIR_VARIABLE } from '../lifecycle/installed-environment';
import { capturedLogLayout, orderRotated } from '../manage/logs-files';

/** The variables the manager writes into the service's environment; the register preload reads and removes them. */
export const LOG_VARIABLES = {
  /** The folder; capture is on when set. */
  dir: LOG_DIR_VARIABLE,
  /** Bytes. */
  maxSize: 'SERVICEHOST_LOG_MAX_SIZE',
  /** Rotated files to keep. */
  keep: 'SERVICEHOST_LOG_KEEP',
  /** `1`: also rotate at UTC midnight. */
  daily: 'SERVICEHOST_LOG_DAILY',
  /** `1`: prefix lines written through process.stdout/stderr with an ISO time. */
  timestamps: 'SERVICEHOST_LOG_TIMESTAMPS',
} as const;

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

/**
 * The name a rotation at `at` gives the current file: `output.<stamp>.log`,
 * or `output.<stamp>-<n>.log` when that name is taken (two rotations in one
 * millisecond, or a clock set back). `servicehost logs` reads them back in
 * order (manage/logs-files.ts).
 */
export function nameForRotation(at: Date, taken: (name: string) => boolean): string {
  const stamp = rotationStamp(at);
  let name = `output.${stamp}.log`;
  for (let n = 1; taken(name); n += 1) name = `output.${stamp}-${n}.log`;
  return name;
}

/** The rotated files to delete, oldest first, so that `keep` remain. */
export function rotatedLogsBeyond(names: readonly string[], keep: number): string[] {
  const rotated = orderRotated(capturedLogLayout(''), names);
  return rotated.slice(0, Math.max(0, rotated.length - keep));
}

/** The next UTC midnight after `now`, in ms. */
export function nextUtcMidnight(now: number): number {
  const day = 24 * 3600 * 1000;
  return Math.floor(now / day) * day + day;
}
