// The checks of each platform's part of a spec (spec.windows, spec.systemd,
// spec.launchd) and of the list and string fields, each error naming the
// field it refuses. resolveSpec (spec.ts) runs them all before any platform
// code runs.
import { ServicehostError } from '../errors';
import { expectInteger, expectObject, expectOneOf, expectText, optionalBoolean, optionalInteger } from '../validate';
import { MAX_DWORD } from '../windows/codes';
import { MAX_LOG_KEEP, MIN_LOG_MAX_SIZE } from '../windows/output-capture-files';
import type { NamedListenAddress } from '../lifecycle/listen-address';
import { ServiceManagerError } from './errors';
import { checkServiceName } from './service-name';
import { checkListen, checkSocketAccess } from './systemd/socket-names';
import {
  SYSTEMD_RESTARTS,
  SYSTEMD_SERVICE_TYPES,
  WINDOWS_BUILT_IN_ACCOUNTS,
  WINDOWS_RECOVERY_ACTION_TYPES,
  WINDOWS_SID_TYPES,
  WINDOWS_START_TYPES,
  type LaunchdInstallOptions,
  type SystemdInstallOptions,
  type WindowsInstallOptions,
} from './spec-types';

/**
 * --listen and --on-demand are systemd's: launchd and the Windows SCM hold no
 * socket across a restart, so they are refused there rather than ignored.
 */
export function refuseListen(systemd: unknown, name: string, platform: 'windows' | 'launchd'): void {
  const options = (typeof systemd === 'object' && systemd !== null ? systemd : {}) as SystemdInstallOptions;
  if (!options.listen?.length && !options.onDemand && options.listenMode === undefined && options.listenGroup === undefined) return;
  const manager = platform === 'windows' ? 'the Windows SCM' : 'launchd';
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM',
    name,
    `--listen and --on-demand (systemd.listen, systemd.onDemand) need systemd, which holds the listening socket across a restart; ${manager} does not. Leave them out: service.listen(server, port) binds the port itself here`,
  );
}

export function stringList(where: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of strings`);
  return value.map((item, index) => expectText(`${where}[${index}]`, item));
}

export function optionalString(where: string, value: unknown): string | undefined {
  return value === undefined ? undefined : expectText(where, value);
}

export function checkWindows(value: unknown, withoutRegister = false): WindowsInstallOptions {
  if (value === undefined) return {};
  const where = 'install(spec): spec.windows';
  const options = expectObject(where, value) as WindowsInstallOptions & Record<string, unknown>;
  if (options.startType !== undefined) expectOneOf(`${where}.startType`, options.startType, WINDOWS_START_TYPES);
  if (options.account !== undefined && typeof options.account !== 'object') {
    expectOneOf(`${where}.account`, options.account, WINDOWS_BUILT_IN_ACCOUNTS);
  } else if (options.account !== undefined) {
    const account = expectObject(`${where}.account`, options.account);
    expectText(`${where}.account.user`, account.user, { nonEmpty: true });
    optionalString(`${where}.account.password`, account.password);
  }
  stringList(`${where}.dependencies`, options.dependencies);
  if (options.recovery !== undefined && options.recovery !== false) {
    const recovery = expectObject(`${where}.recovery`, options.recovery);
    if (!Array.isArray(recovery.actions)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.recovery.actions must be an array`);
    recovery.actions.forEach((action: unknown, index: number) => {
      const item = expectObject(`${where}.recovery.actions[${index}]`, action);
      expectOneOf(`${where}.recovery.actions[${index}].type`, item.type, WINDOWS_RECOVERY_ACTION_TYPES);
      expectInteger(`${where}.recovery.actions[${index}].delayMs`, item.delayMs, 0, MAX_DWORD);
    });
    optionalInteger(`${where}.recovery.resetPeriodSec`, recovery.resetPeriodSec, 0, 0xfffffffe);
    optionalString(`${where}.recovery.command`, recovery.command);
    optionalString(`${where}.recovery.rebootMessage`, recovery.rebootMessage);
    optionalBoolean(`${where}.recovery.onNonCrashFailures`, recovery.onNonCrashFailures);
  }
  optionalInteger(`${where}.preshutdownTimeoutMs`, options.preshutdownTimeoutMs, 0, MAX_DWORD);
  if (options.sidType !== undefined) expectOneOf(`${where}.sidType`, options.sidType, WINDOWS_SID_TYPES);
  stringList(`${where}.requiredPrivileges`, options.requiredPrivileges);
  optionalBoolean(`${where}.eventLogSource`, options.eventLogSource);
  optionalBoolean(`${where}.killChildren`, options.killChildren);
  checkLogOptions(where, options, withoutRegister);
  return options;
}

function checkLogOptions(where: string, options: WindowsInstallOptions, withoutRegister: boolean): void {
  const capture = optionalBoolean(`${where}.logCapture`, options.logCapture);
  if (capture === true && withoutRegister) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.logCapture needs the register preload, which spec.register: false leaves out`);
  if (options.logDir !== undefined) expectText(`${where}.logDir`, options.logDir, { nonEmpty: true });
  optionalInteger(`${where}.logMaxSize`, options.logMaxSize, MIN_LOG_MAX_SIZE, Number.MAX_SAFE_INTEGER);
  optionalInteger(`${where}.logKeep`, options.logKeep, 0, MAX_LOG_KEEP);
  optionalBoolean(`${where}.logDaily`, options.logDaily);
  optionalBoolean(`${where}.logTimestamps`, options.logTimestamps);
  const given = (['logDir', 'logMaxSize', 'logKeep', 'logDaily', 'logTimestamps'] as const).filter((key) => options[key] !== undefined);
  if (capture === false && given.length > 0) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.${given[0]} has no effect with logCapture: false`);
  }
}

export function checkSystemd(value: unknown): { options: SystemdInstallOptions; listen: NamedListenAddress[] } {
  if (value === undefined) return { options: {}, listen: [] };
  const where = 'install(spec): spec.systemd';
  const options = expectObject(where, value) as SystemdInstallOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, options.user);
  optionalBoolean(`${where}.dynamicUser`, options.dynamicUser);
  if (options.runAs !== undefined) {
    const runAs = expectObject(`${where}.runAs`, options.runAs);
    optionalString(`${where}.runAs.user`, runAs.user);
    optionalString(`${where}.runAs.group`, runAs.group);
  }
  if (options.restart !== undefined) {
    expectOneOf(`${where}.restart`, options.restart, SYSTEMD_RESTARTS);
  }
  optionalInteger(`${where}.restartSec`, options.restartSec, 0, 86_400);
  optionalInteger(`${where}.watchdogSec`, options.watchdogSec, 1, 86_400);
  if (options.type !== undefined) expectOneOf(`${where}.type`, options.type, SYSTEMD_SERVICE_TYPES);
  if (options.hardening !== undefined && typeof options.hardening !== 'boolean') {
    stringList(`${where}.hardening.readWritePaths`, expectObject(`${where}.hardening`, options.hardening).readWritePaths);
  }
  optionalString(`${where}.wantedBy`, options.wantedBy);
  optionalString(`${where}.root`, options.root);
  const listen = checkListen(`${where}.listen`, options.listen);
  checkSocketAccess(where, options, listen);
  if (optionalBoolean(`${where}.onDemand`, options.onDemand) && listen.length === 0) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.onDemand needs a socket to start on: give systemd.listen (--listen) too`);
  return { options, listen };
}

export function checkLaunchd(value: unknown): LaunchdInstallOptions {
  if (value === undefined) return {};
  const where = 'install(spec): spec.launchd';
  const options = expectObject(where, value) as LaunchdInstallOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, options.user);
  if (options.label !== undefined) checkServiceName(options.label, 'launchd');
  if (options.keepAlive !== undefined && typeof options.keepAlive !== 'boolean') {
    optionalBoolean(`${where}.keepAlive.successfulExit`, expectObject(`${where}.keepAlive`, options.keepAlive).successfulExit);
  }
  optionalBoolean(`${where}.runAtLoad`, options.runAtLoad);
  for (const key of ['userName', 'groupName', 'stdoutPath', 'stderrPath', 'directory'] as const) optionalString(`${where}.${key}`, options[key]);
  return options;
}
