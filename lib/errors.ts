/**
 * The codes of the errors servicehost throws itself, one list. Errors that come from the
 * operating system keep the system's own code instead (`ERROR_ACCESS_DENIED`,
 * `EACCES`) and carry `errno` and `syscall`; see {@link SystemError}.
 */
export const SERVICEHOST_ERROR_CODES = [
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_OUT_OF_RANGE',
  'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM',
  'ERR_SERVICEHOST_NATIVE_LOAD_FAILED',
  'ERR_SERVICEHOST_DISPATCHER_STARTED',
  'ERR_SERVICEHOST_NOT_CONNECTED',
  'ERR_SERVICEHOST_ALREADY_STOPPED',
  'ERR_SERVICEHOST_HOST_STATE',
  'ERR_SERVICEHOST_INVALID_TRANSITION',
  'ERR_SERVICEHOST_CONSOLE_HANDLER_STARTED',
  'ERR_SERVICEHOST_STEP_TIMEOUT',
  'ERR_SERVICEHOST_START_TIMEOUT',
  'ERR_SERVICEHOST_STOPPED',
  'ERR_SERVICEHOST_DISPOSED',
  // new Service() while another Service of the process (of any copy of servicehost) holds its stop delivery.
  'ERR_SERVICEHOST_SECOND_SERVICE',
  // Managing services (lib/manage): the same code on every platform.
  'ERR_SERVICEHOST_ACCESS_DENIED',
  'ERR_SERVICEHOST_SERVICE_EXISTS',
  'ERR_SERVICEHOST_SERVICE_NOT_FOUND',
  'ERR_SERVICEHOST_MARKED_FOR_DELETE',
  'ERR_SERVICEHOST_INVALID_SERVICE_NAME',
  'ERR_SERVICEHOST_INVALID_ACCOUNT',
  'ERR_SERVICEHOST_WAIT_TIMEOUT',
  'ERR_SERVICEHOST_START_FAILED',
  'ERR_SERVICEHOST_COMMAND_FAILED',
  'ERR_SERVICEHOST_UNSAFE_PATH',
  // install/configure: the account the service runs as (--run-as, --dynamic-user) cannot reach what it runs.
  'ERR_SERVICEHOST_UNREADABLE_PATH',
  'ERR_SERVICEHOST_ELEVATION_CANCELLED',
  // credential(name): systemd passed no credential of that name (LoadCredential=, --credential).
  'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND',
  // --host / { host } (lib/manage/remote-host.ts): a host string refused, a host that did not answer, an operation no remote manager carries.
  'ERR_SERVICEHOST_INVALID_HOST',
  'ERR_SERVICEHOST_HOST_UNREACHABLE',
  'ERR_SERVICEHOST_REMOTE_UNSUPPORTED',
] as const;
/** One of {@link SERVICEHOST_ERROR_CODES}. */
export type ServicehostErrorCode = (typeof SERVICEHOST_ERROR_CODES)[number];

/** The code of an operating-system failure: `ERROR_ACCESS_DENIED`, `WIN32_ERROR_1234`, `EACCES`. */
export type SystemErrorCode = `ERROR_${string}` | `WIN32_ERROR_${string}` | `E${Uppercase<string>}`;

// Marks servicehost's errors so that `instanceof` holds across two copies of
// the package in one process (a global CLI and an app's own), and for errors
// the addon of another copy made.
const BRAND = Symbol.for('servicehost.error');

/**
 * Every error servicehost throws. Test `error.code`, never the message.
 * Operating-system failures keep the system's own code and carry `errno` and
 * `syscall` (see {@link SystemError}).
 */
export class ServicehostError extends Error {
  /** servicehost's own code (`ERR_SERVICEHOST_...`), or the system's (`ERROR_ACCESS_DENIED`, `EACCES`). */
  readonly code: ServicehostErrorCode | SystemErrorCode;
  /** The system's error number, for an operating-system failure. */
  declare readonly errno?: number;
  /** The system call that failed, for an operating-system failure. */
  declare readonly syscall?: string;

  constructor(code: ServicehostErrorCode | SystemErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServicehostError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** `instanceof ServicehostError` holds for errors of any copy of servicehost in the process (a global CLI's and the app's own). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check.
    if (this !== ServicehostError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
// The bundle (scripts/bundle.mjs) renames a class that refers to itself (esbuild:
// `class _ServicehostError`), and Node's print of an uncaught one shows its constructor's name.
// Set here rather than the bundler's keepNames, which added 10 KiB (8%) of __name calls.
Object.defineProperty(ServicehostError, 'name', { value: 'ServicehostError' });

/** An operating-system failure, as the native addon reports it. */
export interface SystemError extends ServicehostError {
  /** The symbolic name: `ERROR_SERVICE_DOES_NOT_EXIST`, `EACCES`. */
  code: SystemErrorCode;
  /** The number the system returned. */
  errno: number;
  /** The system call that failed: `SetServiceStatus`. */
  syscall: string;
}

/**
 * A failure Node reported (listen's EADDRINUSE, EACCES) as servicehost's own
 * error, in the caller's `message`: the system's code, errno and syscall kept
 * (an unexpected code becomes ERR_INVALID_ARG_VALUE), the original as its cause.
 */
export function fromNodeError(error: NodeJS.ErrnoException, message: string): ServicehostError {
  const code = /^E[A-Z0-9]+$/u.test(error.code ?? '') ? (error.code as SystemErrorCode) : 'ERR_INVALID_ARG_VALUE';
  return Object.assign(new ServicehostError(code, message, { cause: error }), {
    ...(error.errno === undefined ? {} : { errno: error.errno }),
    ...(error.syscall === undefined ? {} : { syscall: error.syscall }),
  });
}

/** True for an operating-system failure: a {@link ServicehostError} that carries the system's `code`, `errno` and `syscall`. */
export function isSystemError(error: unknown): error is SystemError {
  return (
    error instanceof Error &&
    typeof (error as Partial<SystemError>).code === 'string' &&
    typeof (error as Partial<SystemError>).errno === 'number' &&
    typeof (error as Partial<SystemError>).syscall === 'string'
  );
}
