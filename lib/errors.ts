/**
 * The codes of the errors servicehost throws itself. Errors that come from the
 * operating system keep the system's own code instead (`ERROR_ACCESS_DENIED`,
 * `EACCES`) and carry `errno` and `syscall`; see {@link SystemError}.
 */
export type ServicehostErrorCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM'
  | 'ERR_SERVICEHOST_NATIVE_LOAD_FAILED'
  | 'ERR_SERVICEHOST_DISPATCHER_STARTED'
  | 'ERR_SERVICEHOST_NOT_CONNECTED'
  | 'ERR_SERVICEHOST_ALREADY_STOPPED'
  | 'ERR_SERVICEHOST_HOST_STATE'
  | 'ERR_SERVICEHOST_INVALID_TRANSITION'
  | 'ERR_SERVICEHOST_CONSOLE_HANDLER_STARTED'
  | 'ERR_SERVICEHOST_STEP_TIMEOUT'
  | 'ERR_SERVICEHOST_START_TIMEOUT'
  | 'ERR_SERVICEHOST_STOPPED'
  // Managing services (lib/manage): the same code on every platform.
  | 'ERR_SERVICEHOST_ACCESS_DENIED'
  | 'ERR_SERVICEHOST_SERVICE_EXISTS'
  | 'ERR_SERVICEHOST_SERVICE_NOT_FOUND'
  | 'ERR_SERVICEHOST_MARKED_FOR_DELETE'
  | 'ERR_SERVICEHOST_INVALID_SERVICE_NAME'
  | 'ERR_SERVICEHOST_INVALID_ACCOUNT'
  | 'ERR_SERVICEHOST_WAIT_TIMEOUT'
  | 'ERR_SERVICEHOST_START_FAILED'
  | 'ERR_SERVICEHOST_COMMAND_FAILED';

/** An error of servicehost's own. Test `error.code`, never the message. */
export class ServicehostError extends Error {
  readonly code: ServicehostErrorCode;

  constructor(code: ServicehostErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServicehostError';
    this.code = code;
  }
}

/** An operating-system failure, as the native addon reports it. */
export interface SystemError extends Error {
  /** The symbolic name: `ERROR_SERVICE_DOES_NOT_EXIST`, `EACCES`. */
  code: string;
  /** The number the system returned. */
  errno: number;
  /** The system call that failed: `SetServiceStatus`. */
  syscall: string;
}

export function isSystemError(error: unknown): error is SystemError {
  return (
    error instanceof Error &&
    typeof (error as Partial<SystemError>).code === 'string' &&
    typeof (error as Partial<SystemError>).errno === 'number' &&
    typeof (error as Partial<SystemError>).syscall === 'string'
  );
}
