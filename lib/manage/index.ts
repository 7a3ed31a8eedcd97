/**
 * `servicehost/manage`: install, control, query and remove services, with one
 * API over the Windows SCM, systemd and launchd.
 *
 *   import { install, query, stop, uninstall } from 'servicehost/manage';
 *   await install({ name: 'api', script: 'server.js', args: ['--port', '8080'] });
 *
 * Every function checks its arguments first and throws a typed error with a
 * `code` (ERR_SERVICEHOST_ACCESS_DENIED, ERR_SERVICEHOST_SERVICE_EXISTS, ...);
 * see {@link ServiceManagerError}.
 */
import { ServicehostError } from '../errors';
import { expectObject, optionalBoolean } from '../validate';
import * as launchd from './launchd/launchd-manager';
import * as systemd from './systemd/systemd-manager';
import type { InstallResult, ListFilter, ManagerPlatform, ServiceInfo, ServiceSummary, StartOptions, StopOptions, WaitOptions } from './types';
import * as windows from './windows/windows-manager';

export { ServiceManagerError } from './errors';
export { checkServiceName, type InstallSpec, type LaunchdInstallOptions, type SystemdInstallOptions, type WindowsInstallOptions, type WindowsRecovery } from './spec';
export type * from './types';
export { renderSystemdUnit, quoteSystemdWord, parseSystemdCommandLine } from './systemd/unit';
export { renderPlist, parsePlist, type PlistValue } from './launchd/plist';

/** Where a service lives when it is not the system-wide default. */
export interface ScopeOptions {
  /** systemd: the user's manager (--user). launchd: a LaunchAgent. */
  user?: boolean;
  /** systemd: an offline root (systemctl --root). */
  root?: string;
  /** launchd: the folder the plist is in. */
  directory?: string;
}

/** The service manager of this platform. */
export function managerPlatform(platform: NodeJS.Platform = process.platform): ManagerPlatform {
  switch (platform) {
    case 'win32': return 'windows';
    case 'darwin': return 'launchd';
    case 'linux': return 'systemd';
    default:
      throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', `servicehost cannot manage services on ${platform}: it knows the Windows SCM, systemd and launchd.`);
  }
}

function scope(options: unknown, where: string): ScopeOptions {
  if (options === undefined) return {};
  const object = expectObject(where, options) as ScopeOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, object.user);
  for (const key of ['root', 'directory'] as const) {
    if (object[key] !== undefined && typeof object[key] !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.${key} must be a string`);
  }
  return object;
}

function waitOptions(options: unknown, where: string): ScopeOptions & WaitOptions {
  const object = scope(options, where) as ScopeOptions & WaitOptions & Record<string, unknown>;
  optionalBoolean(`${where}.wait`, object.wait);
  if (object.timeoutMs !== undefined && !(Number.isInteger(object.timeoutMs) && object.timeoutMs > 0)) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where}.timeoutMs must be a positive integer`);
  }
  if (object.onProgress !== undefined && typeof object.onProgress !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.onProgress must be a function`);
  }
  return object;
}

/** Installs (and by default starts) a service running `spec.script` under Node. */
export function install(spec: import('./spec').InstallSpec): Promise<InstallResult> {
  switch (managerPlatform()) {
    case 'windows': return windows.installWindowsService(spec);
    case 'systemd': return systemd.installSystemdService(spec);
    case 'launchd': return launchd.installLaunchdService(spec);
  }
}

/**
 * Changes an installed service to match `spec`, as install() would have made
 * it. A running service keeps its old command line until it is restarted
 * (the result's warnings say so); nothing is started or stopped.
 */
export function configure(spec: import('./spec').InstallSpec): Promise<InstallResult> {
  switch (managerPlatform()) {
    case 'windows': return windows.configureWindowsService(spec);
    case 'systemd': return systemd.configureSystemdService(spec);
    case 'launchd': return launchd.configureLaunchdService(spec);
  }
}

/** Stops the service if it runs, then removes it and everything install() made. */
export async function uninstall(name: string, options?: ScopeOptions & WaitOptions): Promise<void> {
  const checked = waitOptions(options, 'uninstall(name, options)');
  switch (managerPlatform()) {
    case 'windows': return windows.uninstallWindowsService(name, checked);
    case 'systemd': return systemd.uninstallSystemdService(name, checked);
    case 'launchd': return launchd.uninstallLaunchdService(name, checked);
  }
}

/** Starts the service and, unless `wait: false`, waits until it runs. Starting a running service succeeds. */
export async function start(name: string, options?: ScopeOptions & StartOptions): Promise<void> {
  const checked = waitOptions(options, 'start(name, options)') as ScopeOptions & StartOptions;
  switch (managerPlatform()) {
    case 'windows': await windows.startWindowsService(name, checked); return;
    case 'systemd': return systemd.startSystemdService(name, checked);
    case 'launchd': return launchd.startLaunchdService(name, checked);
  }
}

/** Stops the service and, unless `wait: false`, waits until it has stopped. Stopping a stopped service succeeds. */
export async function stop(name: string, options?: ScopeOptions & StopOptions): Promise<void> {
  const checked = waitOptions(options, 'stop(name, options)') as ScopeOptions & StopOptions;
  switch (managerPlatform()) {
    case 'windows': await windows.stopWindowsService(name, checked); return;
    case 'systemd': return systemd.stopSystemdService(name, checked);
    case 'launchd': return launchd.stopLaunchdService(name, checked);
  }
}

export async function restart(name: string, options?: ScopeOptions & WaitOptions): Promise<void> {
  const checked = waitOptions(options, 'restart(name, options)');
  switch (managerPlatform()) {
    case 'windows': await windows.restartWindowsService(name, checked); return;
    case 'systemd': return systemd.restartSystemdService(name, checked);
    case 'launchd': return launchd.restartLaunchdService(name, checked);
  }
}

/** State, process, last exit code and the whole configuration of one service. */
export async function query(name: string, options?: ScopeOptions): Promise<ServiceInfo> {
  const checked = scope(options, 'query(name, options)');
  switch (managerPlatform()) {
    case 'windows': return windows.queryWindowsService(name);
    case 'systemd': return systemd.querySystemdService(name, checked);
    case 'launchd': return launchd.queryLaunchdService(name, checked);
  }
}

/** Services on Windows (all, or servicehost's with `servicehostOnly`); servicehost's units and plists elsewhere. */
export async function list(filter?: ListFilter & ScopeOptions): Promise<ServiceSummary[]> {
  const checked = scope(filter, 'list(filter)') as ListFilter & ScopeOptions;
  if (checked.match !== undefined && typeof checked.match !== 'string' && !(checked.match instanceof RegExp)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'list(filter): filter.match must be a string or a RegExp');
  }
  switch (managerPlatform()) {
    case 'windows': return windows.listWindowsServices(checked);
    case 'systemd': return systemd.listSystemdServices(checked);
    case 'launchd': return launchd.listLaunchdServices(checked);
  }
}
