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
import { checkCommandOverrides } from './commands';
import { elevatedCall, type ElevateOptions } from './elevate';
import { managerPlatform, type ScopeOptions } from './manager';
import { checkHostsOptions, eachHost, rowsOf, type HostRow, type HostsOptions } from './hosts';
import { listTask, managerFor, parseRemoteHost, queryTask, type HostOptions } from './remote-host';
import { resolveLogsOptions, type LogsOptions, type ServiceLog } from './logs';
import type { InstallSpec } from './spec-types';
import type { InstallResult, ListFilter, ServiceInfo, ServiceSummary, StartOptions, StopOptions, WaitOptions } from './types';

// The functions of `servicehost/manage`; lib/manage.ts names what the entry exports.
export type { ScopeOptions } from './manager';

/** Checks the {@link ScopeOptions} a caller passed (user, root, force, commands) and returns them. */
function checkScopeOptions(options: unknown, where: string): ScopeOptions {
  if (options === undefined) return {};
  const object = expectObject(where, options) as ScopeOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, object.user);
  optionalBoolean(`${where}.force`, object.force);
  optionalBoolean(`${where}.removeLogs`, object.removeLogs);
  checkCommandOverrides(`${where}.commands`, object.commands);
  for (const key of ['root', 'directory'] as const) {
    if (object[key] !== undefined && typeof object[key] !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.${key} must be a string`);
  }
  checkHost(object, where);
  return object;
}

/** `host`: checked for this platform's manager; systemctl -H reaches the system manager of a live machine only. */
function checkHost(object: ScopeOptions, where: string): void {
  if (object.host === undefined) return;
  parseRemoteHost(object.host, managerPlatform(), `${where}.host`);
  if (object.user === true || object.root !== undefined) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}: host reaches another machine's system manager; it cannot be combined with ${object.user === true ? 'user' : 'root'}`);
  }
}

/** install's and configure's options: elevation, and the host. */
function installOptions(options: unknown, where: string): HostOptions {
  if (options === undefined) return {};
  const object = expectObject(where, options) as HostOptions;
  checkHost(object, where);
  return object.host === undefined ? {} : { host: object.host };
}

function waitOptions(options: unknown, where: string): ScopeOptions & WaitOptions {
  const object = checkScopeOptions(options, where) as ScopeOptions & WaitOptions & Record<string, unknown>;
  optionalBoolean(`${where}.wait`, object.wait);
  if (object.timeoutMs !== undefined && !(Number.isInteger(object.timeoutMs) && object.timeoutMs > 0)) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where}.timeoutMs must be a positive integer`);
  }
  if (object.onProgress !== undefined && typeof object.onProgress !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.onProgress must be a function`);
  }
  return object;
}

/** `{ elevate: true }`: the call runs in an elevated servicehost (Windows; see ElevateOptions). */
function elevates(options: unknown, where: string): boolean {
  if (options === undefined) return false;
  return optionalBoolean(`${where}.elevate`, (expectObject(where, options) as ElevateOptions).elevate) === true;
}

/** Installs (and by default starts) a service running `spec.script` under Node. */
export async function install(spec: InstallSpec, options?: ElevateOptions & HostOptions): Promise<InstallResult> {
  const host = installOptions(options, 'install(spec, options)');
  if (elevates(options, 'install(spec, options)')) return (await elevatedCall('install', [spec, host])) as InstallResult;
  return managerFor(host).install(spec, host);
}

/**
 * Changes an installed service to match `spec`, as install() would have made
 * it. A running service keeps its old command line until it is restarted
 * (the result's warnings say so); nothing is started or stopped.
 */
export async function configure(spec: InstallSpec, options?: ElevateOptions & HostOptions): Promise<InstallResult> {
  const host = installOptions(options, 'configure(spec, options)');
  if (elevates(options, 'configure(spec, options)')) return (await elevatedCall('configure', [spec, host])) as InstallResult;
  return managerFor(host).configure(spec, host);
}

/** Stops the service if it runs, then removes it and everything install() made. */
export async function uninstall(name: string, options?: ScopeOptions & WaitOptions & ElevateOptions): Promise<void> {
  const checked = waitOptions(options, 'uninstall(name, options)') as ScopeOptions & WaitOptions & ElevateOptions;
  if (elevates(options, 'uninstall(name, options)')) return void (await elevatedCall('uninstall', [name, checked]));
  return managerFor(checked).uninstall(name, checked);
}

/** Starts the service and, unless `wait: false`, waits until it runs. Starting a running service succeeds. */
export async function start(name: string, options?: ScopeOptions & StartOptions & ElevateOptions): Promise<void> {
  const checked = waitOptions(options, 'start(name, options)') as ScopeOptions & StartOptions & ElevateOptions;
  if (elevates(options, 'start(name, options)')) return void (await elevatedCall('start', [name, checked]));
  return managerFor(checked).start(name, checked);
}

/** Stops the service and, unless `wait: false`, waits until it has stopped. Stopping a stopped service succeeds. */
export async function stop(name: string, options?: ScopeOptions & StopOptions & ElevateOptions): Promise<void> {
  const checked = waitOptions(options, 'stop(name, options)') as ScopeOptions & StopOptions & ElevateOptions;
  if (elevates(options, 'stop(name, options)')) return void (await elevatedCall('stop', [name, checked]));
  return managerFor(checked).stop(name, checked);
}

/** Stops, then starts the service. */
export async function restart(name: string, options?: ScopeOptions & WaitOptions): Promise<void> {
  const checked = waitOptions(options, 'restart(name, options)');
  return managerFor(checked).restart(name, checked);
}

/** State, process, last exit code and the whole configuration of one service. */
export async function query(name: string, options?: ScopeOptions): Promise<ServiceInfo> {
  const checked = checkScopeOptions(options, 'query(name, options)');
  return managerFor(checked).query(name, checked);
}

/** Services on Windows (all, or servicehost's with `servicehostOnly`); servicehost's units and plists elsewhere. */
export async function list(filter?: ListFilter & ScopeOptions): Promise<ServiceSummary[]> {
  const checked = checkScopeOptions(filter, 'list(filter)') as ListFilter & ScopeOptions;
  if (checked.match !== undefined && typeof checked.match !== 'string' && !(checked.match instanceof RegExp)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'list(filter): filter.match must be a string or a RegExp');
  }
  return managerFor(checked).list(checked);
}

/**
 * The service's output, line by line: its captured files on Windows (across
 * rotations), the journal under systemd, the plist's StandardOutPath under
 * launchd.
 *
 * ```js
 * const log = await logs('api', { lines: 50, follow: true, signal });
 * for await (const line of log) console.log(line);
 * ```
 *
 * A service that has written nothing yet has no lines (with `follow`, the
 * loop waits for its first); one that is not installed is
 * ERR_SERVICEHOST_SERVICE_NOT_FOUND.
 */
export async function logs(name: string, options?: ScopeOptions & LogsOptions): Promise<ServiceLog> {
  const where = 'logs(name, options)';
  const checked = checkScopeOptions(options, where);
  return managerFor(checked).logs(name, { ...checked, ...resolveLogsOptions(options, where) });
}

/**
 * {@link list} on several hosts at once: each host in parallel (at most
 * `concurrency` at a time) with its own `timeoutMs`. One row per service per
 * host; a host that does not answer in time, cannot be reached or refuses is
 * one row `{ host, error: { code, message } }` (ERR_SERVICEHOST_HOST_UNREACHABLE,
 * ...) and does not fail the others. Never rejects for a host; bad arguments throw.
 */
export async function listHosts(hosts: readonly string[], filter?: ListFilter & Omit<ScopeOptions, 'host'> & HostsOptions): Promise<Array<HostRow<ServiceSummary>>> {
  const where = 'listHosts(hosts, filter)';
  const { timeoutMs, concurrency, ...rest } = filter ?? {};
  const limits = checkHostsOptions(hosts, { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(concurrency === undefined ? {} : { concurrency }) }, where);
  for (const [index, host] of hosts.entries()) checkScopeOptions({ ...rest, host }, `${where}: hosts[${index}]`);
  return rowsOf(await eachHost(hosts, listTask(rest), limits));
}

/** {@link query} of one service on several hosts at once, as {@link listHosts}: one row per host, its ServiceInfo or its error. */
export async function queryHosts(name: string, hosts: readonly string[], options?: Omit<ScopeOptions, 'host'> & HostsOptions): Promise<Array<HostRow<ServiceInfo>>> {
  const where = 'queryHosts(name, hosts, options)';
  const { timeoutMs, concurrency, ...rest } = options ?? {};
  const limits = checkHostsOptions(hosts, { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(concurrency === undefined ? {} : { concurrency }) }, where);
  for (const [index, host] of hosts.entries()) checkScopeOptions({ ...rest, host }, `${where}: hosts[${index}]`);
  return rowsOf(await eachHost(hosts, queryTask(name, rest), limits));
}
