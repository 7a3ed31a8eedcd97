// The SCM calls the Windows operations share: a native call with its system
// error said as the manager's typed error, a service's status, its
// Environment value (and the captured-output folder it names), and the
// marker in its registry key that says servicehost installed it.
import { isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import type { NativeServiceStatusProcess } from '../../native/windows-binding';
import { ServiceManagerError } from '../errors';
import { windowsLogDirectory } from '../logs-windows';
import { remoteSystemError, scmError } from './remote-host';

/** Runs one native call, turning a system error into the manager's typed error (another machine's that cannot be reached: ERR_SERVICEHOST_HOST_UNREACHABLE). */
export function scmCall<T>(name: string, doing: string, action: () => T, machine?: string): T {
  try {
    return action();
  } catch (error) {
    throw scmError(error, name, doing, machine);
  }
}

export function queryStatus(name: string, machine?: string): NativeServiceStatusProcess {
  return scmCall(name, 'query', () => windowsNative().scmQueryStatus(name, machine), machine);
}

/** The value under the service's registry key that says servicehost installed it, and which version. */
export const MARKER_VALUE = 'ServicehostVersion';

export function installedByServicehost(name: string, machine?: string): boolean {
  try {
    return windowsNative().scmGetServiceValue(name, MARKER_VALUE, machine) !== undefined;
  } catch (error) {
    // Another machine whose registry cannot be reached is said as such, not taken for "not ours".
    const remote = remoteSystemError(error, machine);
    if (remote !== error) throw remote;
    return false;
  }
}

/** configure and uninstall act only on servicehost's own services, unless forced. */
export function requireOwnService(name: string, doing: string, force: boolean | undefined, machine?: string): void {
  queryStatus(name, machine); // not found is reported as such first
  if (force || installedByServicehost(name, machine)) return;
  throw new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', name, `Refusing to ${doing} "${name}": servicehost did not install it (no ${MARKER_VALUE} value in its registry key); --force acts on it anyway`);
}

// The service's registry key goes with the service: a missing key means the
// SCM removed it between two reads (a service marked for deletion, stopping).
export function readEnvironment(name: string, machine?: string): string[] {
  try {
    return windowsNative().scmGetEnvironment(name, machine);
  } catch (error) {
    if (isSystemError(error) && error.code === 'ERROR_FILE_NOT_FOUND') {
      throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', name, `Cannot query "${name}": it was removed while being read`, error);
    }
    throw scmError(error, name, 'query', machine);
  }
}

export function environmentRecord(entries: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=', 1);
    if (at > 0) record[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return record;
}

/** The service's captured-output folder; the default when its Environment value cannot be read (a service not installed by servicehost). */
export function logDirectoryOf(name: string): string {
  let environment: Record<string, string> = {};
  try {
    environment = environmentRecord(readEnvironment(name));
  } catch {
    // Not found is reported by the operation itself.
  }
  return windowsLogDirectory(name, environment);
}
