// What the Windows SCM says of services: one service's configuration and
// state (query), the services there are (list), and a service's captured
// output (logs).
import { windowsNative } from '../../native/load';
import type { NativeQueriedConfig, NativeServiceStatusProcess } from '../../native/windows-binding';
import { LOG_DIR_VARIABLE, WORKING_DIRECTORY_VARIABLE } from '../../lifecycle/installed-environment';
import { ERROR_SERVICE_NEVER_STARTED, ERROR_SERVICE_SPECIFIC_ERROR, RECOVERY_ACTIONS, SID_TYPES, START_TYPES, nameOfCode } from '../../windows/codes';
import { parseWindowsCommandLine } from '../../windows/command-line';
import { matchesName } from '../list-filter';
import { checkServiceName } from '../service-name';
import type { ListFilter, ServiceInfo, ServiceSummary, WindowsServiceDetails } from '../types';
import { managedState } from '../wait';
import { serviceLog, type ResolvedLogsOptions, type ServiceLog } from '../logs';
import { capturedLogLayout, readFileLog } from '../logs-files';
import { remoteUnsupported, type HostOptions } from '../remote-access';
import { machineOf } from './remote-host';
import { environmentRecord, installedByServicehost, logDirectoryOf, queryStatus, readEnvironment, scmCall } from './scm-calls';

/** A stopped service's exit code from its SERVICE_STATUS: its own code, a Win32 error, or undefined if it never ran. */
function serviceExitCodeOf(status: NativeServiceStatusProcess): number | undefined {
  if (status.win32ExitCode === ERROR_SERVICE_SPECIFIC_ERROR) return status.serviceSpecificExitCode;
  return status.win32ExitCode === ERROR_SERVICE_NEVER_STARTED ? undefined : status.win32ExitCode;
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
  const config = scmCall(name, 'query', () => windowsNative().scmQueryConfig(name, machine), machine);
  const status = config.status;
  const environment = environmentRecord(readEnvironment(name, machine));
  // Event Log sources are registered on this machine only (applyConfiguration).
  const windows = detailsOf(config, status, environment, machine === undefined ? windowsNative().getEventLogSource(name)?.messageFile : undefined);
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
  const services = scmCall('*', 'list services', () => windowsNative().scmEnumServices(machine), machine);
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
