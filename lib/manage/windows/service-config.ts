// What a service's configuration is made of, from a ResolvedSpec: the basic
// configuration (CreateServiceW / ChangeServiceConfigW), the optional levels
// (ChangeServiceConfig2W), the Environment value, servicehost's marker and
// the Event Log source; and applying all but the basic part.
import { ServicehostError, isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import type { NativeConfig2 } from '../../native/windows-binding';
import { KILL_CHILDREN_VARIABLE, WORKING_DIRECTORY_VARIABLE } from '../../lifecycle/installed-environment';
import { RECOVERY_ACTIONS, SID_TYPES, START_TYPES } from '../../windows/codes';
import { windowsCommandLine } from '../../windows/command-line';
import { servicehostVersion } from '../version';
import { programArguments, serviceEnvironment, type ResolvedSpec } from '../spec';
import type { WindowsRecovery, WindowsRecoveryActionType, WindowsSidType } from '../spec-types';
import { logEnvironmentEntries } from './log-folder';
import { MARKER_VALUE } from './scm-calls';

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

// The logon CreateServiceW and ChangeServiceConfigW take: the account's full
// name and its password. Built-in and virtual accounts take an empty password;
// ChangeServiceConfigW then also drops one stored for an earlier user account.
export function logonOf(spec: ResolvedSpec): { account: string; password?: string } {
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

/**
 * Everything after the basic configuration: the optional levels, the
 * Environment value and the Event Log source. `replacing` also clears what
 * an earlier configuration may have set and this one leaves out.
 */
export function applyConfiguration(spec: ResolvedSpec, replacing: boolean, machine?: string): string[] {
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
      windowsNative().scmSetConfig2(spec.name, ...level, machine);
    } catch (error) {
      if (explicit || !isUnsupportedLevel(error)) throw error;
      warnings.push(`${level[0]}: not supported here (${(error as Error & { code: string }).code}); the system default stays`);
    }
  }
  windowsNative().scmSetEnvironment(spec.name, environmentEntries(spec), machine);
  windowsNative().scmSetServiceValue(spec.name, MARKER_VALUE, servicehostVersion(), machine);
  if (machine !== undefined) {
    if (spec.windows.eventLogSource !== false) warnings.push(`the Event Log source "${spec.name}" is not registered on ${machine}: servicehost registers sources on this machine only; its messages show there with a "description not found" note`);
  } else if (spec.windows.eventLogSource === false) {
    if (replacing) windowsNative().removeEventLogSource(spec.name, spec.name);
  } else if (!windowsNative().setEventLogSource(spec.name, EVENT_MESSAGE_FILE, spec.name)) {
    warnings.push(`an Event Log source named "${spec.name}" exists and servicehost did not register it: it is left as it is, and its messages show as that source says`);
  }
  return warnings;
}

export function basicConfiguration(spec: ResolvedSpec, imagePath: string) {
  const startType = spec.windows.startType ?? 'auto';
  return {
    displayName: spec.displayName,
    imagePath,
    startType: START_TYPES[startType === 'delayed-auto' ? 'auto' : startType],
    dependencies: spec.windows.dependencies ?? [],
    ...logonOf(spec),
  };
}
