// uninstall on the Windows SCM: stops the service, deletes it with its Event
// Log source and the logon rights servicehost granted, and waits until the
// SCM has let go of the name.
import { rmSync } from 'node:fs';
import { isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import type { NativeServiceStatusProcess } from '../../native/windows-binding';
import { ServiceManagerError } from '../errors';
import { checkServiceName } from '../service-name';
import type { WaitOptions } from '../types';
import { managedState } from '../wait';
import { remoteUnsupported, type HostOptions } from '../remote-access';
import { grantedLogonRights, revokeGrantedLogonRights } from './logon-right';
import { machineOf, scmError } from './remote-host';
import { logDirectoryOf, queryStatus, requireOwnService, scmCall } from './scm-calls';
import { stopWindowsService } from './start-stop';

export async function uninstallWindowsService(nameInput: unknown, options: WaitOptions & HostOptions & { force?: boolean; removeLogs?: boolean } = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  // The captured files are that machine's: this one cannot delete them.
  if (machine !== undefined && options.removeLogs === true) throw remoteUnsupported(machine, 'remove the logs of', name, 'the captured files are on that machine; delete its log folder there');
  requireOwnService(name, 'uninstall', options.force, machine);
  // Read before the service (and its Environment value) goes; the logs stay unless asked.
  const removeLogs = options.removeLogs === true ? logDirectoryOf(name) : undefined;
  const status = queryStatus(name, machine);
  if (managedState(status.state) !== 'stopped') await stopForUninstall(name, options);
  // Rights servicehost granted are this machine's policy; on another machine it granted none.
  const granted = machine === undefined ? grantedLogonRights(name) : [];
  scmCall(
    name,
    'uninstall',
    () => {
      windowsNative().scmDeleteService(name, machine);
      if (machine === undefined) windowsNative().removeEventLogSource(name, name);
    },
    machine,
  );
  // What servicehost granted for this service, unless another service runs as that account.
  if (machine === undefined) revokeGrantedLogonRights(name, granted);
  if (removeLogs !== undefined) rmSync(removeLogs, { recursive: true, force: true });
  // DeleteService only marks the service; it is gone once every handle closes and its process has ended.
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    let current: NativeServiceStatusProcess;
    try {
      current = windowsNative().scmQueryStatus(name, machine);
    } catch (error) {
      if (isSystemError(error) && error.code === 'ERROR_SERVICE_DOES_NOT_EXIST') return;
      throw scmError(error, name, 'uninstall', machine);
    }
    if (Date.now() > deadline) throw markedForDeletion(name, current);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A service that cannot take a stop now (START_PENDING: the SCM refuses every
// control then) is deleted anyway; it goes when its process ends.
async function stopForUninstall(name: string, options: WaitOptions & HostOptions): Promise<void> {
  try {
    await stopWindowsService(name, { ...options, wait: true });
  } catch (error) {
    const code = error instanceof ServiceManagerError ? error.systemCode : isSystemError(error) ? error.code : undefined;
    const refused = code === 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL' || code === 'ERROR_INVALID_SERVICE_CONTROL';
    if (!refused) throw error;
  }
}

function markedForDeletion(name: string, status: NativeServiceStatusProcess): ServiceManagerError {
  const state = managedState(status.state);
  const holder =
    status.processId !== 0 && state !== 'stopped'
      ? `its process (pid ${status.processId}) is still ${state} and would not stop; Windows removes the service when that process ends (taskkill /PID ${status.processId} /F ends it now)`
      : 'another program still holds it open (the Services console, Event Viewer, a monitoring tool): close it';
  return new ServiceManagerError('ERR_SERVICEHOST_MARKED_FOR_DELETE', name, `"${name}" is marked for deletion but not gone: ${holder}`);
}
