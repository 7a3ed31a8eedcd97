// Host strings for `--host` / `{ host }`: checked once, at the public edge,
// before any program or RPC sees them, by the rules of this platform's way to
// another machine: Windows' SCM RPC (windows/remote-host.ts) or systemd's ssh
// (systemd/remote-host.ts); launchd has none. Nothing that ssh or the RPC
// could read as an option, a second word or a path gets through. Then the
// manager and the tasks of a view of several hosts, from that platform's own
// file, loaded only on that platform.
import { ServicehostError } from '../errors';
import { managerPlatform, platformManager } from './manager';
import type { HostTask, ParsedHost, RemoteAccess } from './remote-access';
import { parseSystemdHost } from './systemd/remote-host';
import type { ListFilter, ManagerPlatform, ScopeOptions, ServiceInfo, ServiceManager, ServiceSummary } from './types';
import { parseWindowsHost } from './windows/remote-host';

export type { HostOptions } from './remote-access';

function refuseLaunchdHost(_text: string, where: string): never {
  throw new ServicehostError(
    'ERR_SERVICEHOST_REMOTE_UNSUPPORTED',
    `${where}: launchd has no protocol for another machine (launchctl drives only the machine it runs on); run servicehost there, over ssh`,
  );
}

/** Each platform's host syntax: small and free of platform calls, so any platform can check any other's (the tests do). */
const HOST_PARSERS: Readonly<Record<ManagerPlatform, (text: string, where: string) => ParsedHost>> = {
  windows: parseWindowsHost,
  systemd: parseSystemdHost,
  launchd: refuseLaunchdHost,
};

/**
 * Checks `value` as a host for `platform`'s manager and returns it parsed.
 * `where` names it in the caller's words: `--host`, `list(filter).host`.
 * launchd has no remote protocol of its own: ERR_SERVICEHOST_REMOTE_UNSUPPORTED.
 */
export function parseRemoteHost(value: unknown, platform: ManagerPlatform, where: string): ParsedHost {
  if (typeof value !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a string`);
  return HOST_PARSERS[platform](value, where);
}

// launchd refuses every host where it is checked: nothing here is reached with one.
const launchdRemoteAccess: RemoteAccess = {
  manager: platformManager,
  listTask: (filter) => (host) => platformManager().list({ ...filter, host }),
  queryTask: (name, options) => (host) => platformManager().query(name, { ...options, host }),
};

/** This platform's way to another machine; only its own code is loaded. */
function remoteAccess(): RemoteAccess {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (managerPlatform()) {
    case 'windows':
      return (require('./windows/hosts') as typeof import('./windows/hosts')).windowsRemoteAccess;
    case 'systemd':
      return (require('./systemd/remote-access') as typeof import('./systemd/remote-access')).systemdRemoteAccess;
    case 'launchd':
      return launchdRemoteAccess;
  }
}

/** The manager for `options.host`: this platform's own without one, else the one that reaches that host (systemd: systemctl -H; Windows: its own, which takes the machine). */
export function managerFor(options: ScopeOptions | undefined): ServiceManager {
  return options?.host === undefined ? platformManager() : remoteAccess().manager();
}

/** The list task for one host of a view of several: from a child process on Windows, in this process where the manager's calls are child processes. */
export function listTask(filter: ListFilter & ScopeOptions): HostTask<ServiceSummary[]> {
  return remoteAccess().listTask(filter);
}

/** The query task for one host, as {@link listTask}. */
export function queryTask(name: string, options: ScopeOptions): HostTask<ServiceInfo> {
  return remoteAccess().queryTask(name, options);
}
