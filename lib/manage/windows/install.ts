// install and configure on the Windows SCM. Everything is checked before the
// first call that changes anything, and an install that fails half-way
// (its start included) removes what it made.
import { windowsNative } from '../../native/load';
import type { NativeServiceStatusProcess } from '../../native/windows-binding';
import { refuseWritable, windowsFindings, windowsRunPaths } from '../least-privilege';
import { resolveSpec, type ResolvedSpec } from '../spec';
import { checkEnvFileNode } from '../delivered-files';
import type { InstallResult } from '../types';
import { managedState } from '../wait';
import type { HostOptions } from '../remote-access';
import { grantLogonRightFor, grantedLogonRights, revokeGrantedLogonRights } from './logon-right';
import { prepareLogFolder } from './log-folder';
import { machineOf, scmError } from './remote-host';
import { queryStatus, requireOwnService, scmCall } from './scm-calls';
import { applyConfiguration, basicConfiguration, imagePathOf, logonOf } from './service-config';
import { startWindowsService } from './start-stop';

// Every account a service may run as has rights an ordinary user lacks: what
// it runs must be changeable by administrators alone.
function checkRunPaths(spec: ResolvedSpec): string[] {
  const account = logonOf(spec).account;
  return refuseWritable(spec, windowsFindings(windowsRunPaths(spec), (file) => windowsNative().fileWriters(file)), account);
}

/**
 * What an install or configure on another machine (`host`) leaves out, said
 * as warnings: the checks and set-up that read or change this machine's files
 * and policy cannot see that machine's. The SCM there runs the command line
 * as written: the script, node and the register preload must exist there, at
 * those paths; nothing here checks it.
 */
function remoteSkips(spec: ResolvedSpec, machine: string): string[] {
  const skipped = [
    `${machine}: the script, node and preload paths in the command line are not checked here; they must exist there as written`,
    `${machine}: the least-privilege check of what the service runs (who can change those files) runs on this machine only and was skipped`,
    `${machine}: the captured-output folder is made by the service at its first start there, without the access list install sets locally`,
  ];
  if (typeof spec.windows.account === 'object') skipped.push(`${machine}: the "Log on as a service" right is not granted there: grant it to ${spec.windows.account.user} on that machine (secpol.msc)`);
  return skipped;
}

function uninstallQuietly(name: string, machine?: string): void {
  try {
    windowsNative().scmDeleteService(name, machine);
  } catch {
    // The install's own error is the one to report.
  }
  // The Event Log source is registered on this machine only (applyConfiguration).
  if (machine !== undefined) return;
  try {
    windowsNative().removeEventLogSource(name, name);
  } catch {
    // As above.
  }
}

export async function installWindowsService(specInput: unknown, options: HostOptions = {}): Promise<InstallResult> {
  const machine = machineOf(options);
  const spec = resolveSpec(specInput, 'windows');
  const imagePath = imagePathOf(spec);
  // Its node reads the env files: asked here, said for another machine, before anything is created.
  const warnings: string[] = [...(machine === undefined ? [] : remoteSkips(spec, machine)), ...(await checkEnvFileNode(spec, machine))];
  if (machine === undefined) warnings.push(...checkRunPaths(spec));
  scmCall(spec.name, 'install', () => windowsNative().scmCreateService({ name: spec.name, ...basicConfiguration(spec, imagePath) }, machine), machine);
  try {
    warnings.push(...applyConfiguration(spec, false, machine));
    // After the service exists: its virtual account is named only then.
    if (machine === undefined) warnings.push(...prepareLogFolder(spec, logonOf(spec).account));
  } catch (error) {
    uninstallQuietly(spec.name, machine);
    throw scmError(error, spec.name, 'install', machine);
  }
  const grantedRights = machine === undefined ? grantLogonRightFor(spec, warnings) : [];
  let started = false;
  if (spec.start) {
    try {
      await startWindowsService(spec.name, options);
    } catch (error) {
      await rollBackInstall(spec.name, machine);
      throw error;
    }
    started = true;
  }
  return { name: spec.name, platform: 'windows', command: imagePath, path: undefined, started, warnings, grantedRights };
}

/**
 * Leaves nothing of an install whose start failed, as on systemd: a process
 * still there (stuck starting, which no control reaches) is ended, then the
 * service and its Event Log source are deleted, and the wait lasts until the
 * SCM has let go of the name, so the same install can run again at once.
 */
async function rollBackInstall(name: string, machine?: string): Promise<void> {
  let status: NativeServiceStatusProcess | undefined;
  try {
    status = windowsNative().scmQueryStatus(name, machine);
  } catch {
    // Gone already, or unreadable: the delete below says which.
  }
  // A process id of another machine is not ours to signal: deletion marks it there.
  if (machine === undefined && status && status.processId !== 0 && managedState(status.state) !== 'stopped') {
    try {
      process.kill(status.processId);
    } catch {
      // Ended meanwhile, or not ours to end: deletion still marks it.
    }
  }
  const granted = machine === undefined ? grantedLogonRights(name) : [];
  uninstallQuietly(name, machine);
  if (machine === undefined) revokeGrantedLogonRights(name, granted);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      windowsNative().scmQueryStatus(name, machine);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Changes an installed service to match `spec` (ChangeServiceConfigW and the
 * rest). A running service keeps its old command line until it restarts.
 */
export async function configureWindowsService(specInput: unknown, options: HostOptions = {}): Promise<InstallResult> {
  const machine = machineOf(options);
  const spec = resolveSpec(specInput, 'windows');
  const imagePath = imagePathOf(spec);
  requireOwnService(spec.name, 'configure', spec.force, machine);
  const nodeWarnings = await checkEnvFileNode(spec, machine);
  if (machine === undefined) nodeWarnings.push(...checkRunPaths(spec));
  scmCall(spec.name, 'configure', () => windowsNative().scmChangeConfig(spec.name, basicConfiguration(spec, imagePath), machine), machine);
  const warnings = scmCall(
    spec.name,
    'configure',
    () => [...(machine === undefined ? [] : remoteSkips(spec, machine)), ...nodeWarnings, ...applyConfiguration(spec, true, machine), ...(machine === undefined ? prepareLogFolder(spec, logonOf(spec).account) : [])],
    machine,
  );
  const grantedRights = machine === undefined ? grantLogonRightFor(spec, warnings) : [];
  if (managedState(queryStatus(spec.name, machine).state) !== 'stopped') warnings.push('the service is running: restart it for a new command line, account or environment to take effect');
  return { name: spec.name, platform: 'windows', command: imagePath, path: undefined, started: false, warnings, grantedRights };
}
