// The Windows service manager: lib/manage's operations on the native SCM API.
// Everything is checked before the first call that changes anything, and an
// install that fails half-way removes what it made.
import { rmSync } from 'node:fs';
import { ServicehostError, isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import type { NativeConfig2, NativeQueriedConfig, NativeServiceManager, NativeServiceStatusProcess } from '../../native/windows-binding';
import { KILL_CHILDREN_VARIABLE, LOG_DIR_VARIABLE, WORKING_DIRECTORY_VARIABLE } from '../../lifecycle/installed-environment';
import { ERROR_SERVICE_NEVER_STARTED, ERROR_SERVICE_SPECIFIC_ERROR, RECOVERY_ACTIONS, SID_TYPES, START_TYPES, controlCode, nameOfCode, scmStateCode } from '../../windows/codes';
import { parseWindowsCommandLine, windowsCommandLine } from '../../windows/command-line';
import { ServiceManagerError } from '../errors';
import { refuseWritable, windowsFindings, windowsRunPaths } from '../least-privilege';
import { servicehostVersion } from '../version';
import { matchesName } from '../list-filter';
import { checkServiceName } from '../service-name';
import { programArguments, resolveSpec, serviceEnvironment, type ResolvedSpec } from '../spec';
import type { WindowsRecovery, WindowsRecoveryActionType, WindowsSidType } from '../spec-types';
import { checkEnvFileNode } from '../delivered-files';
import type { ServiceManager } from '../types';
import type { InstallResult, ListFilter, ServiceInfo, ServiceSummary, StartOptions, StopOptions, WaitOptions, WindowsServiceDetails } from '../types';
import { managedState, waitForServiceState } from '../wait';
import { describeStartFailure, type StartFailure } from './start-failure';
import { grantLogonRightFor, grantedLogonRights, revokeGrantedLogonRights } from './logon-right';
import { serviceLog, withStartOutput, type ResolvedLogsOptions, type ServiceLog } from '../logs';
import { LogCursor, capturedLogLayout, hasLogFiles, readFileLog } from '../logs-files';
import { windowsLogDirectory } from '../logs-windows';
import { logEnvironmentEntries, prepareLogFolder } from './log-folder';
import { processExists } from '../../process-alive';
import { remoteUnsupported, type HostOptions } from '../remote-access';
import { machineOf, remoteSystemError, scmError } from './remote-host';

/** A message file whose events 1 to 1000 are "%1": plain text shows as written. */
export const EVENT_MESSAGE_FILE = '%SystemRoot%\\System32\\EventCreate.exe';

// The spec's names each have their code in codes.ts's tables.
void (SID_TYPES satisfies Record<WindowsSidType, number>);
void (RECOVERY_ACTIONS satisfies Record<WindowsRecoveryActionType, number>);

export const DEFAULT_RECOVERY: WindowsRecovery = {
  actions: [
    { type: 'restart', delayMs: 1000 },
    { type: 'restart', delayMs: 5000 },
    { type: 'restart', delayMs: 30_000 },
  ],
  resetPeriodSec: 86_400,
  onNonCrashFailures: true,
};

function native(): NativeServiceManager {
  return windowsNative();
}

/** Runs one native call, turning a system error into the manager's typed error (another machine's that cannot be reached: ERR_SERVICEHOST_HOST_UNREACHABLE). */
function call<T>(name: string, doing: string, action: () => T, machine?: string): T {
  try {
    return action();
  } catch (error) {
    throw scmError(error, name, doing, machine);
  }
}

// The logon CreateServiceW and ChangeServiceConfigW take: the account's full
// name and its password. Built-in and virtual accounts take an empty password;
// ChangeServiceConfigW then also drops one stored for an earlier user account.
function logonOf(spec: ResolvedSpec): { account: string; password?: string } {
  const account = spec.windows.account ?? 'virtual';
  switch (account) {
    case 'virtual':
      return { account: `NT SERVICE\\${spec.name}`, password: '' };
    case 'LocalSystem':
      return { account: 'LocalSystem', password: '' };
    case 'LocalService':
      return { account: 'NT AUTHORITY\\LocalService', password: '' };
    case 'NetworkService':
      return { account: 'NT AUTHORITY\\NetworkService', password: '' };
    default:
      return account.password === undefined ? { account: account.user } : { account: account.user, password: account.password };
  }
}

/**
 * The SCM stores the command line as REG_EXPAND_SZ and expands %NAME% in it
 * when it starts the service; no escape exists. So a command line that holds
 * a %...% pair, within one argument or across two, is refused rather than
 * silently changed.
 */
function refuseExpansion(commandLine: string): void {
  const pair = /%[^%]+%/u.exec(commandLine);
  if (pair) {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `install(spec): the command line holds ${JSON.stringify(pair[0])}, which the Windows SCM would replace with an environment variable; pass the value through spec.env instead`,
    );
  }
}

export function imagePathOf(spec: ResolvedSpec): string {
  const commandLine = windowsCommandLine(spec.node, programArguments(spec));
  refuseExpansion(commandLine);
  return commandLine;
}

export function environmentEntries(spec: ResolvedSpec): string[] {
  const entries = Object.entries(serviceEnvironment(spec)).map(([key, value]) => `${key}=${value}`);
  const killChildren = spec.windows.killChildren === false ? [`${KILL_CHILDREN_VARIABLE}=0`] : [];
  return [...entries, `${WORKING_DIRECTORY_VARIABLE}=${spec.workingDirectory}`, ...killChildren, ...logEnvironmentEntries(spec)];
}

interface Level {
  level: NativeConfig2;
  /** Set by the caller, so a refusal fails the install; a default of ours is skipped with a warning instead. */
  explicit: boolean;
}

function levelsOf(spec: ResolvedSpec): Level[] {
  const options = spec.windows;
  const levels: Level[] = [];
  if (spec.description !== '') levels.push({ level: ['description', spec.description], explicit: true });
  if (options.startType === 'delayed-auto') levels.push({ level: ['delayedAutoStart', true], explicit: true });
  const recovery = options.recovery === undefined ? DEFAULT_RECOVERY : options.recovery;
  if (recovery !== false) {
    const explicit = options.recovery !== undefined;
    levels.push({
      level: [
        'failureActions',
        {
          resetPeriodSec: recovery.resetPeriodSec ?? 86_400,
          ...(recovery.command === undefined ? {} : { command: recovery.command }),
          ...(recovery.rebootMessage === undefined ? {} : { rebootMessage: recovery.rebootMessage }),
          actions: recovery.actions.map((action) => ({ type: RECOVERY_ACTIONS[action.type], delayMs: action.delayMs })),
        },
      ],
      explicit,
    });
    if (recovery.onNonCrashFailures ?? true) levels.push({ level: ['failureActionsOnNonCrash', true], explicit: explicit && recovery.onNonCrashFailures === true });
  }
  levels.push({ level: ['preshutdownTimeoutMs', options.preshutdownTimeoutMs ?? spec.stopTimeoutMs + 5000], explicit: options.preshutdownTimeoutMs !== undefined });
  if (options.sidType !== undefined) levels.push({ level: ['sidType', SID_TYPES[options.sidType]], explicit: true });
  if (options.requiredPrivileges !== undefined) levels.push({ level: ['requiredPrivileges', options.requiredPrivileges], explicit: true });
  return levels;
}

function isUnsupportedLevel(error: unknown): boolean {
  return isSystemError(error) && (error.code === 'ERROR_INVALID_LEVEL' || error.code === 'ERROR_NOT_SUPPORTED');
}

/** The value under the service's registry key that says servicehost installed it, and which version. */
export const MARKER_VALUE = 'ServicehostVersion';

function installedByServicehost(name: string, machine?: string): boolean {
  try {
    return native().scmGetServiceValue(name, MARKER_VALUE, machine) !== undefined;
  } catch (error) {
    // Another machine whose registry cannot be reached is said as such, not taken for "not ours".
    const remote = remoteSystemError(error, machine);
    if (remote !== error) throw remote;
    return false;
  }
}

/** configure and uninstall act only on servicehost's own services, unless forced. */
function requireOwnService(name: string, doing: string, force: boolean | undefined, machine?: string): void {
  queryStatus(name, machine); // not found is reported as such first
  if (force || installedByServicehost(name, machine)) return;
  throw new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', name, `Refusing to ${doing} "${name}": servicehost did not install it (no ${MARKER_VALUE} value in its registry key); --force acts on it anyway`);
}

function uninstallQuietly(name: string, machine?: string): void {
  try {
    native().scmDeleteService(name, machine);
  } catch {
    // The install's own error is the one to report.
  }
  // The Event Log source is registered on this machine only (applyConfiguration).
  if (machine !== undefined) return;
  try {
    native().removeEventLogSource(name, name);
  } catch {
    // As above.
  }
}

/**
 * Everything after the basic configuration: the optional levels, the
 * Environment value and the Event Log source. `replacing` also clears what
 * an earlier configuration may have set and this one leaves out.
 */
function applyConfiguration(spec: ResolvedSpec, replacing: boolean, machine?: string): string[] {
  const levels = levelsOf(spec);
  if (replacing) {
    // What the spec leaves out goes back to the system default.
    if (spec.description === '') levels.push({ level: ['description', ''], explicit: false });
    if (spec.windows.startType !== 'delayed-auto') levels.push({ level: ['delayedAutoStart', false], explicit: false });
    if (spec.windows.sidType === undefined) levels.push({ level: ['sidType', SID_TYPES.none], explicit: false });
    if (spec.windows.recovery === false) levels.push({ level: ['failureActions', { resetPeriodSec: 0, actions: [] }], explicit: false });
  }
  const warnings: string[] = [];
  for (const { level, explicit } of levels) {
    try {
      native().scmSetConfig2(spec.name, ...level, machine);
    } catch (error) {
      if (explicit || !isUnsupportedLevel(error)) throw error;
      warnings.push(`${level[0]}: not supported here (${(error as Error & { code: string }).code}); the system default stays`);
    }
  }
  native().scmSetEnvironment(spec.name, environmentEntries(spec), machine);
  native().scmSetServiceValue(spec.name, MARKER_VALUE, servicehostVersion(), machine);
  if (machine !== undefined) {
    if (spec.windows.eventLogSource !== false) warnings.push(`the Event Log source "${spec.name}" is not registered on ${machine}: servicehost registers sources on this machine only; its messages show there with a "description not found" note`);
  } else if (spec.windows.eventLogSource === false) {
    if (replacing) native().removeEventLogSource(spec.name, spec.name);
  } else if (!native().setEventLogSource(spec.name, EVENT_MESSAGE_FILE, spec.name)) {
    warnings.push(`an Event Log source named "${spec.name}" exists and servicehost did not register it: it is left as it is, and its messages show as that source says`);
  }
  return warnings;
}

function basicConfiguration(spec: ResolvedSpec, imagePath: string) {
  const startType = spec.windows.startType ?? 'auto';
  return {
    displayName: spec.displayName,
    imagePath,
    startType: START_TYPES[startType === 'delayed-auto' ? 'auto' : startType],
    dependencies: spec.windows.dependencies ?? [],
    ...logonOf(spec),
  };
}

// Every account a service may run as has rights an ordinary user lacks: what
// it runs must be changeable by administrators alone.
function checkRunPaths(spec: ResolvedSpec): void {
  const account = logonOf(spec).account;
  refuseWritable(spec, windowsFindings(windowsRunPaths(spec), (file) => native().fileWriters(file)), account);
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

export async function installWindowsService(specInput: unknown, options: HostOptions = {}): Promise<InstallResult> {
  const machine = machineOf(options);
  const spec = resolveSpec(specInput, 'windows');
  const imagePath = imagePathOf(spec);
  // Its node reads the env files: asked here, said for another machine, before anything is created.
  const warnings: string[] = [...(machine === undefined ? [] : remoteSkips(spec, machine)), ...(await checkEnvFileNode(spec, machine))];
  if (machine === undefined) checkRunPaths(spec);
  call(spec.name, 'install', () => native().scmCreateService({ name: spec.name, ...basicConfiguration(spec, imagePath) }, machine), machine);
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
    status = native().scmQueryStatus(name, machine);
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
      native().scmQueryStatus(name, machine);
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
  if (machine === undefined) checkRunPaths(spec);
  call(spec.name, 'configure', () => native().scmChangeConfig(spec.name, basicConfiguration(spec, imagePath), machine), machine);
  const warnings = call(
    spec.name,
    'configure',
    () => [...(machine === undefined ? [] : remoteSkips(spec, machine)), ...nodeWarnings, ...applyConfiguration(spec, true, machine), ...(machine === undefined ? prepareLogFolder(spec, logonOf(spec).account) : [])],
    machine,
  );
  const grantedRights = machine === undefined ? grantLogonRightFor(spec, warnings) : [];
  if (managedState(queryStatus(spec.name, machine).state) !== 'stopped') warnings.push('the service is running: restart it for a new command line, account or environment to take effect');
  return { name: spec.name, platform: 'windows', command: imagePath, path: undefined, started: false, warnings, grantedRights };
}

function queryStatus(name: string, machine?: string): NativeServiceStatusProcess {
  return call(name, 'query', () => native().scmQueryStatus(name, machine), machine);
}

/** A stopped service's exit code from its SERVICE_STATUS: its own code, a Win32 error, or undefined if it never ran. */
function serviceExitCodeOf(status: NativeServiceStatusProcess): number | undefined {
  if (status.win32ExitCode === ERROR_SERVICE_SPECIFIC_ERROR) return status.serviceSpecificExitCode;
  return status.win32ExitCode === ERROR_SERVICE_NEVER_STARTED ? undefined : status.win32ExitCode;
}

/** StartService's answer when the program ended or never connected in time, or (Wine) reported STOPPED before StartService returned. */
function isRequestTimeout(error: unknown): boolean {
  return isSystemError(error) && error.code === 'ERROR_SERVICE_REQUEST_TIMEOUT';
}

function startFailed(name: string, failure: StartFailure, cause?: unknown): ServiceManagerError {
  return new ServiceManagerError('ERR_SERVICEHOST_START_FAILED', name, describeStartFailure(name, failure), cause);
}

// After a 1053 the SCM sets the service STOPPED (and ends a process that is
// left); a moment's wait lets a query see that, and the exit code it holds.
async function settledAfterTimeout(name: string, machine?: string): Promise<NativeServiceStatusProcess | undefined> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const status = statusUntilGone(name, machine);
    if (managedState(status.state) === 'stopped' || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the process `pid` has ended; false when that cannot be seen (another account's process). */
function processEnded(pid: number): boolean {
  return !processExists(pid);
}

// The status while starting, and a failure when the process is gone: a
// process that ends without reporting STOPPED leaves the SCM showing
// START_PENDING (Wine, for ever) until it notices the crash.
function startingStatus(name: string, machine?: string): NativeServiceStatusProcess {
  const status = queryStatus(name, machine);
  // Another machine's process id cannot be looked up here: its SCM's word stands.
  if (machine !== undefined || managedState(status.state) !== 'starting' || status.processId === 0 || !processEnded(status.processId)) return status;
  // It may have reported STOPPED just before it ended: that status says more.
  const again = queryStatus(name);
  if (managedState(again.state) === 'stopped') return again;
  throw startFailed(name, { kind: 'process-ended', pid: status.processId });
}

/**
 * Starts the service and waits until it runs. A program that ends while
 * starting fails the start as soon as the SCM shows it (STOPPED with its exit
 * code, StartService's 1053, or its process gone): ERR_SERVICEHOST_START_FAILED.
 */
export async function startWindowsService(nameInput: unknown, options: StartOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  // The captured files are on that machine: a failed start there says what the SCM saw, without the program's lines.
  if (machine !== undefined) return startAndWait(name, options, machine);
  // Opened before the start: a failed start shows exactly what this start wrote, across a rotation.
  const layout = capturedLogLayout(logDirectoryOf(name));
  const cursor = await LogCursor.open(layout).catch(() => undefined);
  try {
    return await startAndWait(name, options);
  } catch (error) {
    throw await withStartOutput(error, async () => (cursor && (await hasLogFiles(layout)) ? cursor.read(true) : undefined));
  } finally {
    await cursor?.close();
  }
}

async function startAndWait(name: string, options: StartOptions, machine?: string): Promise<NativeServiceStatusProcess> {
  const began = Date.now();
  try {
    // Synchronous: StartService returns once the program has connected (or ended, or the SCM gave up).
    native().scmStartService(name, options.args ?? [], machine);
  } catch (error) {
    if (isRequestTimeout(error)) throw startFailed(name, { kind: 'request-timeout', elapsedMs: Date.now() - began, status: await settledAfterTimeout(name, machine) }, error);
    if (!(isSystemError(error) && error.code === 'ERROR_SERVICE_ALREADY_RUNNING')) throw scmError(error, name, 'start', machine);
  }
  if (options.wait === false) return queryStatus(name, machine);
  return waitForServiceState(name, 'running', () => startingStatus(name, machine), options, {
    state: 'stopped',
    error: (status) => startFailed(name, { kind: 'stopped', status }),
  });
}

export async function stopWindowsService(nameInput: unknown, options: StopOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  try {
    native().scmControlService(name, controlCode('stop'), options.comment ?? 'servicehost stop', machine);
  } catch (error) {
    if (!(isSystemError(error) && (error.code === 'ERROR_SERVICE_NOT_ACTIVE' || (error.code === 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL' && alreadyStopping(name, machine))))) {
      throw scmError(error, name, 'stop', machine);
    }
  }
  if (options.wait === false) return queryStatus(name, machine);
  return waitForServiceState(name, 'stopped', () => statusUntilGone(name, machine), options);
}

// A stop that finds the service already stopping (the SCM takes no control
// in STOP_PENDING) joins that stop: it waits for STOPPED, as one that came first would.
function alreadyStopping(name: string, machine?: string): boolean {
  const { state } = statusUntilGone(name, machine);
  return state === scmStateCode('stop-pending') || state === scmStateCode('stopped');
}

// A service marked for deletion is removed the moment it stops: for a stop,
// gone means stopped.
function statusUntilGone(name: string, machine?: string): NativeServiceStatusProcess {
  try {
    return native().scmQueryStatus(name, machine);
  } catch (error) {
    if (!(isSystemError(error) && error.code === 'ERROR_SERVICE_DOES_NOT_EXIST')) throw scmError(error, name, 'stop', machine);
    return { serviceType: 0, state: scmStateCode('stopped'), controlsAccepted: 0, win32ExitCode: 0, serviceSpecificExitCode: 0, checkPoint: 0, waitHint: 0, processId: 0, serviceFlags: 0 };
  }
}

export async function restartWindowsService(name: unknown, options: WaitOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  await stopWindowsService(name, { ...options, wait: true });
  return startWindowsService(name, { ...options, wait: options.wait ?? true });
}

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
  call(
    name,
    'uninstall',
    () => {
      native().scmDeleteService(name, machine);
      if (machine === undefined) native().removeEventLogSource(name, name);
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
      current = native().scmQueryStatus(name, machine);
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

/** The service's captured-output folder; the default when its Environment value cannot be read (a service not installed by servicehost). */
function logDirectoryOf(name: string): string {
  let environment: Record<string, string> = {};
  try {
    environment = environmentRecord(readEnvironment(name));
  } catch {
    // Not found is reported by the operation itself.
  }
  return windowsLogDirectory(name, environment);
}

/** The captured files, across rotations (lib/manage/logs-files.ts). */
export async function logsWindowsService(nameInput: unknown, options: ResolvedLogsOptions & HostOptions = {}): Promise<ServiceLog> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  // The SCM carries no output: the captured files are on that machine's disk.
  if (machine !== undefined) {
    throw remoteUnsupported(machine, 'read the output of', name, `the captured files are on that machine's disk, which the SCM's RPC does not reach; read them there (servicehost logs ${name}), or through a share of its log folder`);
  }
  queryStatus(name); // ERR_SERVICEHOST_SERVICE_NOT_FOUND first
  const directory = logDirectoryOf(name);
  // No folder in its configuration: installed with --no-log-capture, by another tool, or by a servicehost before capture.
  const uncaptured = !(LOG_DIR_VARIABLE in environmentRecord(readEnvironment(name)));
  return serviceLog(directory, (notices) => {
    if (uncaptured) notices.push(`${name} is not installed with output capture (its configuration names no ${LOG_DIR_VARIABLE}): reading the default folder; \`servicehost configure\` without --no-log-capture turns capture on`);
    return readFileLog(capturedLogLayout(directory), options);
  });
}

// The service's registry key goes with the service: a missing key means the
// SCM removed it between two reads (a service marked for deletion, stopping).
function readEnvironment(name: string, machine?: string): string[] {
  try {
    return native().scmGetEnvironment(name, machine);
  } catch (error) {
    if (isSystemError(error) && error.code === 'ERROR_FILE_NOT_FOUND') {
      throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', name, `Cannot query "${name}": it was removed while being read`, error);
    }
    throw scmError(error, name, 'query', machine);
  }
}

function environmentRecord(entries: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=', 1);
    if (at > 0) record[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return record;
}

function detailsOf(config: NativeQueriedConfig, status: NativeServiceStatusProcess, environment: Record<string, string>, messageFile: string | undefined): WindowsServiceDetails {
  const startName = nameOfCode(START_TYPES, config.startType) ?? 'manual';
  return {
    startType: startName === 'auto' && config.delayedAutoStart === true ? 'delayed-auto' : startName,
    imagePath: config.imagePath,
    win32ExitCode: status.win32ExitCode,
    serviceSpecificExitCode: status.serviceSpecificExitCode,
    checkPoint: status.checkPoint,
    waitHint: status.waitHint,
    controlsAccepted: status.controlsAccepted,
    recovery: config.failureActions && {
      resetPeriodSec: config.failureActions.resetPeriodSec,
      command: config.failureActions.command,
      rebootMessage: config.failureActions.rebootMessage,
      actions: config.failureActions.actions.map((action) => ({ type: nameOfCode(RECOVERY_ACTIONS, action.type) ?? 'none', delayMs: action.delayMs })),
    },
    failureActionsOnNonCrash: config.failureActionsOnNonCrash,
    delayedAutoStart: config.delayedAutoStart,
    preshutdownTimeoutMs: config.preshutdownTimeoutMs,
    sidType: config.sidType === undefined ? undefined : nameOfCode(SID_TYPES, config.sidType),
    requiredPrivileges: config.requiredPrivileges,
    environment,
    eventLogMessageFile: messageFile,
    unavailable: Object.fromEntries(Object.entries(config.unavailable).map(([level, error]) => [level, error.code])),
  };
}

export function queryWindowsService(nameInput: unknown, options: HostOptions = {}): ServiceInfo {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  const config = call(name, 'query', () => native().scmQueryConfig(name, machine), machine);
  const status = config.status;
  const environment = environmentRecord(readEnvironment(name, machine));
  // Event Log sources are registered on this machine only (applyConfiguration).
  const windows = detailsOf(config, status, environment, machine === undefined ? native().getEventLogSource(name)?.messageFile : undefined);
  const state = managedState(status.state);
  return {
    name,
    displayName: config.displayName,
    platform: 'windows',
    state,
    pid: status.processId === 0 ? undefined : status.processId,
    description: config.description ?? '',
    exitCode: state === 'stopped' ? serviceExitCodeOf(status) : undefined,
    enabled: config.startType <= START_TYPES.auto,
    account: config.account === '' ? undefined : config.account,
    argv: parseWindowsCommandLine(config.imagePath),
    commandLine: config.imagePath,
    workingDirectory: environment[WORKING_DIRECTORY_VARIABLE],
    dependencies: config.dependencies,
    windows,
  };
}


export function listWindowsServices(filter: ListFilter & HostOptions = {}): ServiceSummary[] {
  const machine = machineOf(filter);
  const services = call('*', 'list services', () => native().scmEnumServices(machine), machine);
  return services
    .filter((service) => matchesName(service.name, filter.match))
    .filter((service) => !filter.servicehostOnly || installedByServicehost(service.name, machine))
    .map((service) => ({
      name: service.name,
      displayName: service.displayName,
      state: managedState(service.status.state),
      pid: service.status.processId === 0 ? undefined : service.status.processId,
    }));
}

/** The Windows SCM behind servicehost/manage. */
export const windowsManager: ServiceManager = {
  platform: 'windows',
  install: installWindowsService,
  configure: configureWindowsService,
  uninstall: uninstallWindowsService,
  start: async (name, options) => void (await startWindowsService(name, options)),
  stop: async (name, options) => void (await stopWindowsService(name, options)),
  restart: async (name, options) => void (await restartWindowsService(name, options)),
  query: async (name, options) => queryWindowsService(name, options),
  list: async (filter) => listWindowsServices(filter),
  logs: logsWindowsService,
};
