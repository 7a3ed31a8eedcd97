// The `servicehost` command's exit codes (0 to 11): one table, from which
// --help and the mapping of typed errors both come. Not the lifecycle's
// `exitCodes` (lib/lifecycle/exit-codes.ts: 0, then 70 and up), which a service exits with.
import type { ServicehostErrorCode } from '../errors';

export const COMMAND_EXIT_CODES = [
  { name: 'ok', code: 0, meaning: 'done (status: the service is running)' },
  { name: 'failed', code: 1, meaning: 'failed for another reason (the message says why)' },
  { name: 'usage', code: 2, meaning: 'bad command line or option', errors: ['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE', 'ERR_SERVICEHOST_INVALID_SERVICE_NAME', 'ERR_SERVICEHOST_INVALID_HOST', 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED'] },
  { name: 'notRunning', code: 3, meaning: 'status: the service is installed but not running' },
  { name: 'notInstalled', code: 4, meaning: 'no such service is installed', errors: ['ERR_SERVICEHOST_SERVICE_NOT_FOUND'] },
  { name: 'accessDenied', code: 5, meaning: 'access denied: run elevated (Administrator, or root / sudo)', errors: ['ERR_SERVICEHOST_ACCESS_DENIED'] },
  { name: 'exists', code: 6, meaning: 'a service with this name already exists', errors: ['ERR_SERVICEHOST_SERVICE_EXISTS'] },
  { name: 'timeout', code: 7, meaning: 'timed out waiting for the service', errors: ['ERR_SERVICEHOST_WAIT_TIMEOUT'] },
  { name: 'startFailed', code: 8, meaning: 'the service stopped while starting', errors: ['ERR_SERVICEHOST_START_FAILED'] },
  { name: 'markedForDelete', code: 9, meaning: 'the service is marked for deletion (Windows)', errors: ['ERR_SERVICEHOST_MARKED_FOR_DELETE'] },
  { name: 'unsafePath', code: 10, meaning: 'refused: another user could change what the service runs (--allow-writable overrides, except for the folders servicehost writes in), or its account cannot read it (no override)', errors: ['ERR_SERVICEHOST_UNSAFE_PATH', 'ERR_SERVICEHOST_UNREADABLE_PATH'] },
  { name: 'hostUnanswered', code: 11, meaning: '--host: a host did not answer in time or could not be reached (its row says why; the other rows are complete)', errors: ['ERR_SERVICEHOST_HOST_UNREACHABLE'] },
] as const satisfies readonly { name: string; code: number; meaning: string; errors?: readonly ServicehostErrorCode[] }[];

type Row = (typeof COMMAND_EXIT_CODES)[number];

/** The command's exit codes by name: COMMAND_EXIT.timeout is 7. */
export const COMMAND_EXIT = Object.fromEntries(COMMAND_EXIT_CODES.map((row) => [row.name, row.code])) as { [R in Row as R['name']]: R['code'] };

/** The exit code a typed error means; 1 for any other. */
export function commandExitCodeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  const row = COMMAND_EXIT_CODES.find((candidate) => 'errors' in candidate && (candidate.errors as readonly string[]).includes(code as string));
  return row?.code ?? COMMAND_EXIT.failed;
}

export function commandExitCodeHelp(): string {
  return ['Exit codes:', ...COMMAND_EXIT_CODES.map((row) => `  ${row.code}  ${row.meaning}`)].join('\n');
}
