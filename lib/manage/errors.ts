// The errors of managing a service. The system's own failure (ERROR_ACCESS_DENIED,
// EACCES, a systemctl exit status) becomes one code that means the same thing
// on every platform, with an actionable message; the original stays as `cause`
// and its errno and syscall are kept on the error.
import { ServicehostError, isSystemError, type ServicehostErrorCode } from '../errors';

export class ServiceManagerError extends ServicehostError {
  /** The service the operation was about. */
  readonly service: string;
  /** The system's own code and number, when the system refused: 'ERROR_SERVICE_EXISTS', 1073. */
  readonly systemCode: string | undefined;
  /** ERR_SERVICEHOST_START_FAILED: the last lines the program wrote while it started (its captured output, or the journal), oldest first. */
  output: string[] | undefined;

  constructor(code: ServicehostErrorCode, service: string, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = 'ServiceManagerError';
    this.service = service;
    this.systemCode = isSystemError(cause) ? cause.code : undefined;
    // The system's number and call, on the error itself (as ServicehostError declares them).
    if (isSystemError(cause)) Object.assign(this, { errno: cause.errno, syscall: cause.syscall });
  }
}

const ELEVATE_HINT =
  process.platform === 'win32'
    ? 'Run it from an elevated prompt (Run as administrator).'
    : 'Run it as root (sudo), or install a per-user service (user: true, or --user).';

/**
 * The manager-level meaning of a system error, or the error itself when it
 * has none (it is then already typed: code, errno, syscall).
 */
export function translateSystemError(error: unknown, service: string, doing: string): unknown {
  if (!isSystemError(error)) return error;
  const because = `: ${error.message}`;
  switch (error.code) {
    case 'ERROR_ACCESS_DENIED':
    case 'EACCES':
    case 'EPERM':
      return new ServiceManagerError('ERR_SERVICEHOST_ACCESS_DENIED', service, `Access denied while trying to ${doing} "${service}". ${ELEVATE_HINT}`, error);
    case 'ERROR_SERVICE_EXISTS':
    case 'ERROR_DUPLICATE_SERVICE_NAME':
      return new ServiceManagerError(
        'ERR_SERVICEHOST_SERVICE_EXISTS',
        service,
        `Cannot ${doing} "${service}": a service with this ${error.code === 'ERROR_DUPLICATE_SERVICE_NAME' ? 'display name' : 'name'} already exists. Uninstall it first, or choose another name${because}`,
        error,
      );
    case 'ERROR_SERVICE_DOES_NOT_EXIST':
      return new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', service, `Cannot ${doing} "${service}": no such service is installed`, error);
    case 'ERROR_SERVICE_MARKED_FOR_DELETE':
      return new ServiceManagerError(
        'ERR_SERVICEHOST_MARKED_FOR_DELETE',
        service,
        `Cannot ${doing} "${service}": it is marked for deletion and still running or held open. Stop it, close the Services console (services.msc) and any program holding it open, then try again`,
        error,
      );
    case 'ERROR_INVALID_NAME':
      return new ServiceManagerError('ERR_SERVICEHOST_INVALID_SERVICE_NAME', service, `Cannot ${doing} "${service}": the system rejects this name${because}`, error);
    case 'ERROR_INVALID_SERVICE_ACCOUNT':
    case 'ERROR_SERVICE_LOGON_FAILED':
    case 'ERROR_LOGON_FAILURE':
    case 'ERROR_NONE_MAPPED':
      return new ServiceManagerError(
        'ERR_SERVICEHOST_INVALID_ACCOUNT',
        service,
        `Cannot ${doing} "${service}": the account or its password is not valid (a user account is written DOMAIN\\user or .\\user, and needs the "Log on as a service" right)${because}`,
        error,
      );
    default:
      return error;
  }
}
