// What the unelevated caller and the elevated servicehost say to each other
// through the private folder (lib/manage/elevate.ts): the request it reads,
// the result it writes, and the argv that starts it. Pure: unit-tested.
import * as path from 'node:path';
import { ServicehostError, SERVICEHOST_ERROR_CODES, type ServicehostErrorCode, type SystemErrorCode } from '../errors';
import { quoteWindowsArgument } from '../windows/command-line';
import { ServiceManagerError } from './errors';

/** The marker argument: `--servicehost-elevated=<folder>`. An Electron app's main process looks for it (handleElevatedRequest). */
export const ELEVATED_MARKER = '--servicehost-elevated=';
export const REQUEST_FILE = 'request.json';
export const RESULT_FILE = 'result.json';

/** The operations `elevate` is for: those that need an administrator. */
export const ELEVATABLE_CALLS = ['install', 'configure', 'uninstall', 'start', 'stop'] as const;
export type ElevatableCall = (typeof ELEVATABLE_CALLS)[number];

export type ElevationRequest =
  | { kind: 'cli'; cwd: string; argv: string[]; password?: string }
  | { kind: 'call'; cwd: string; call: ElevatableCall; args: unknown[] };

/** An error as it crosses: the fields a caller tests, never a stack. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  service?: string;
  systemCode?: string;
  errno?: number;
  syscall?: string;
}

export type ElevationResult =
  | { kind: 'cli'; exitCode: number; stdout: string; stderr: string }
  | { kind: 'call'; ok: true; value: unknown }
  | { kind: 'call'; ok: false; error: SerializedError };

/**
 * The elevated program's arguments (after the program, process.execPath):
 * the CLI script, its `elevated` verb and the marker. The same argv serves
 * Node (which runs the script) and a packaged Electron app (which runs its own
 * main, where runElevatedRequest finds the marker).
 */
export function elevatedArguments(cliScript: string, folder: string): string[] {
  // Windows paths: this runs on Windows (and its test anywhere).
  if (!path.win32.isAbsolute(cliScript) || !path.win32.isAbsolute(folder)) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'elevatedArguments(cliScript, folder): both must be absolute paths');
  }
  return [cliScript, 'elevated', `${ELEVATED_MARKER}${folder}`];
}

/**
 * Why the folder's security descriptor, as read back (SDDL), is not private;
 * undefined when only the caller's account, Administrators and SYSTEM are
 * let in. A file system that keeps no ACLs (FAT) reads back no DACL at all.
 */
export function privateFolderProblem(sddl: string): string | undefined {
  const dacl = /D:([^(]*)((?:\([^)]*\))*)/u.exec(sddl);
  if (dacl === null || dacl[1]!.includes('NO_ACCESS_CONTROL')) return `it has no access list (${sddl}): the file system keeps none`;
  const accounts = new Set<string>();
  for (const ace of dacl[2]!.match(/\([^)]*\)/gu) ?? []) {
    const fields = ace.slice(1, -1).split(';');
    const trustee = fields[5] ?? '';
    if (fields[0] !== 'A' || trustee === 'BA' || trustee === 'SY') continue;
    // One account's own SID (S-1-5-21-...): the caller's. Anything else (Users, Everyone) is too many.
    if (!trustee.startsWith('S-1-5-21-')) return `it lets ${trustee} in (${sddl})`;
    accounts.add(trustee);
  }
  return accounts.size > 1 ? `it lets more than one account in (${sddl})` : undefined;
}

/** ShellExecuteExW's lpParameters: the arguments quoted as CommandLineToArgvW and the C runtime split them. */
export function windowsParameters(args: readonly string[]): string {
  return args.map((argument) => quoteWindowsArgument(argument)).join(' ');
}

/** The private folder named by the marker in `argv`; undefined when this process was not started by elevate. */
export function elevatedFolderOf(argv: readonly string[]): string | undefined {
  const marker = argv.find((argument) => argument.startsWith(ELEVATED_MARKER));
  return marker === undefined ? undefined : marker.slice(ELEVATED_MARKER.length);
}

export function serializeError(error: unknown): SerializedError {
  const fields = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const serialized: SerializedError = { name: text('name') ?? 'Error', code: text('code') ?? 'ERR_SERVICEHOST_COMMAND_FAILED', message: text('message') ?? String(error) };
  for (const key of ['service', 'systemCode', 'syscall'] as const) {
    const value = text(key);
    if (value !== undefined) serialized[key] = value;
  }
  if (typeof fields.errno === 'number') serialized.errno = fields.errno;
  return serialized;
}

/** The elevated side's error, rebuilt with the same class, code, message, errno and syscall. */
export function deserializeError(serialized: SerializedError): ServicehostError {
  const known = (SERVICEHOST_ERROR_CODES as readonly string[]).includes(serialized.code);
  // servicehost's own code, or the system's (ERROR_..., E...) as the elevated side had it.
  const code = serialized.code as ServicehostErrorCode | SystemErrorCode;
  const error =
    serialized.name === 'ServiceManagerError' && known && serialized.service !== undefined
      ? new ServiceManagerError(code as ServicehostErrorCode, serialized.service, serialized.message)
      : new ServicehostError(code, serialized.message);
  if (serialized.systemCode !== undefined) Object.assign(error, { systemCode: serialized.systemCode });
  if (serialized.errno !== undefined) Object.assign(error, { errno: serialized.errno });
  if (serialized.syscall !== undefined) Object.assign(error, { syscall: serialized.syscall });
  return error;
}

function malformed(what: string): never {
  throw new ServicehostError('ERR_SERVICEHOST_COMMAND_FAILED', `The elevated servicehost wrote a result that cannot be read: ${what}`);
}

/** Checks the result file's text; what `expected` asked for, or a typed error. */
export function parseElevationResult(text: string, expected: ElevationRequest['kind']): ElevationResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    malformed('not JSON');
  }
  const result = value as Record<string, unknown> | null;
  if (typeof result !== 'object' || result === null || result.kind !== expected) malformed(`not a ${expected} result`);
  if (expected === 'cli') {
    if (!Number.isInteger(result.exitCode) || typeof result.stdout !== 'string' || typeof result.stderr !== 'string') malformed('no exit code and output');
    return result as ElevationResult;
  }
  if (result.ok === true) return result as ElevationResult;
  const error = result.error as Record<string, unknown> | undefined;
  if (result.ok !== false || typeof error?.code !== 'string' || typeof error.message !== 'string') malformed('neither a value nor an error');
  return result as ElevationResult;
}

export function parseElevationRequest(text: string): ElevationRequest {
  const request = JSON.parse(text) as Record<string, unknown>;
  if (typeof request.cwd !== 'string') throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'elevation request: no cwd');
  if (request.kind === 'cli' && Array.isArray(request.argv) && request.argv.every((argument) => typeof argument === 'string')) return request as ElevationRequest;
  if (request.kind === 'call' && (ELEVATABLE_CALLS as readonly unknown[]).includes(request.call) && Array.isArray(request.args)) return request as ElevationRequest;
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'elevation request: neither a command line nor a call');
}
