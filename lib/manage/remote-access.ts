// What every platform's reach to another machine shares: the checks of a host
// string that hold everywhere, the refusal of an operation a remote manager
// cannot carry, and the shape each platform's remote access takes. Each
// platform's own files have its host syntax (windows/remote-host.ts,
// systemd/remote-host.ts) and how it asks (windows/hosts.ts,
// systemd/remote-access.ts); remote-host.ts picks them.
import { ServicehostError } from '../errors';
import { ServiceManagerError } from './errors';
import type { ListFilter, ScopeOptions, ServiceInfo, ServiceManager, ServiceSummary } from './types';

/** The `host` option of servicehost/manage's functions (`--host`), as {@link ScopeOptions} documents it. */
export type HostOptions = Pick<ScopeOptions, 'host'>;

/** What one host's task is given: its deadline's signal (which ends its child processes) and the time it has. */
export type HostTask<T> = (host: string, signal: AbortSignal, timeoutMs: number) => Promise<T>;

/** A host string, checked and parsed by its platform's rules. */
export interface ParsedHost {
  /** As the caller wrote it. */
  text: string;
}

/** One platform's way to another machine, once its host is checked (its own remote-host.ts). */
export interface RemoteAccess {
  /** The manager that acts on a named host. */
  manager(): ServiceManager;
  /** The list task for one host of a view of several (lib/manage/hosts.ts). */
  listTask(filter: ListFilter & ScopeOptions): HostTask<ServiceSummary[]>;
  /** The query task for one host, as listTask. */
  queryTask(name: string, options: ScopeOptions): HostTask<ServiceInfo>;
}

/** A machine name or address, as both ssh and the SCM's RPC take it. */
export const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/u;

/** Refuses `text` as a host, saying why. */
export function invalidHost(where: string, text: string, why: string): never {
  throw new ServicehostError('ERR_SERVICEHOST_INVALID_HOST', `${where}: ${JSON.stringify(text)} is not a host servicehost can reach: ${why}`);
}

/** The refusals that hold for every platform: what ssh or the RPC would read as something else. */
export function checkHostText(where: string, text: string): void {
  if (text === '') invalidHost(where, text, 'it is empty');
  if (text.startsWith('-')) invalidHost(where, text, 'it begins with "-", which ssh and systemctl would read as an option');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(text)) invalidHost(where, text, 'it holds a control character');
  if (/\s/u.test(text)) invalidHost(where, text, 'it holds white space');
}

/** An operation the remote manager cannot carry, said with what to use instead. */
export function remoteUnsupported(host: string, doing: string, service: string, instead: string): ServiceManagerError {
  return new ServiceManagerError('ERR_SERVICEHOST_REMOTE_UNSUPPORTED', service, `Cannot ${doing} "${service}" on ${host}: ${instead}`);
}

/** A platform whose manager's calls are child processes already (systemctl -H and its ssh) asks each host in this process. */
export function inProcessTasks(manager: () => ServiceManager): Pick<RemoteAccess, 'listTask' | 'queryTask'> {
  return {
    listTask: (filter) => (host, signal, timeoutMs) => manager().list({ ...filter, host, signal, timeoutMs } as ListFilter & ScopeOptions),
    queryTask: (name, options) => (host, signal, timeoutMs) => manager().query(name, { ...options, host, signal, timeoutMs } as ScopeOptions),
  };
}
