// Host strings for `--host` / `{ host }`: checked once, at the public edge,
// before any program or RPC sees them. A host reaches `ssh` (through
// `systemctl -H`, and for the journal directly) and the SCM's RPC, so nothing
// that either could read as an option, a second word or a path gets through.
import { ServicehostError, isSystemError } from '../errors';
import { ServiceManagerError } from './errors';
import type { ManagerPlatform, ScopeOptions } from './types';

/** A Windows machine, reached through the SCM's RPC (OpenSCManagerW with its name). */
export interface WindowsRemoteHost {
  platform: 'windows';
  /** As the caller wrote it. */
  text: string;
  /** The name with its leading backslashes: what OpenSCManagerW takes (`\\server`). */
  machine: string;
}

/** A systemd machine, reached over ssh (`systemctl -H`, `ssh … journalctl`). */
export interface SystemdRemoteHost {
  platform: 'systemd';
  /** As the caller wrote it: what `systemctl -H` takes (`user@host[:port]`). */
  text: string;
  /** The login, when given. */
  user: string | undefined;
  /** The host name or address (an IPv6 address without its brackets). */
  hostname: string;
  /** The ssh port, when given. */
  port: number | undefined;
}

export type RemoteHost = WindowsRemoteHost | SystemdRemoteHost;

const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/u;
const LOGIN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/u;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/u;

function invalid(where: string, text: string, why: string): never {
  throw new ServicehostError('ERR_SERVICEHOST_INVALID_HOST', `${where}: ${JSON.stringify(text)} is not a host servicehost can reach: ${why}`);
}

/** The refusals that hold for every platform: what ssh or the RPC would read as something else. */
function checkCommon(where: string, text: string): void {
  if (text === '') invalid(where, text, 'it is empty');
  if (text.startsWith('-')) invalid(where, text, 'it begins with "-", which ssh and systemctl would read as an option');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(text)) invalid(where, text, 'it holds a control character');
  if (/\s/u.test(text)) invalid(where, text, 'it holds white space');
}

function parseWindowsHost(where: string, text: string): WindowsRemoteHost {
  const name = text.startsWith('\\\\') ? text.slice(2) : text;
  if (name === '' || !HOST_NAME.test(name) || name.startsWith('.') || name.endsWith('.')) {
    invalid(where, text, 'a Windows machine is written \\\\server or server (letters, digits, ".", "-" and "_")');
  }
  return { platform: 'windows', text, machine: `\\\\${name}` };
}

function parseSystemdHost(where: string, text: string): SystemdRemoteHost {
  const at = text.lastIndexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  let rest = at === -1 ? text : text.slice(at + 1);
  if (user !== undefined && !LOGIN.test(user)) invalid(where, text, 'the user before "@" must be a login name (letters, digits, ".", "-" and "_", not first "-")');
  let hostname: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    hostname = close === -1 ? '' : rest.slice(1, close);
    if (!IPV6.test(hostname) || !hostname.includes(':')) invalid(where, text, 'an IPv6 address is written [address]');
    rest = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    hostname = colon === -1 ? rest : rest.slice(0, colon);
    rest = colon === -1 ? '' : rest.slice(colon);
    if (!HOST_NAME.test(hostname) || hostname.startsWith('.') || hostname.endsWith('.')) invalid(where, text, 'a systemd host is written user@host[:port] or host (letters, digits, ".", "-" and "_")');
  }
  let port: number | undefined;
  if (rest !== '') {
    if (!/^:\d{1,5}$/u.test(rest) || Number(rest.slice(1)) < 1 || Number(rest.slice(1)) > 65_535) invalid(where, text, 'the port after ":" must be a number from 1 to 65535');
    port = Number(rest.slice(1));
  }
  return { platform: 'systemd', text, user, hostname, port };
}

/**
 * Checks `value` as a host for `platform`'s manager and returns it parsed.
 * `where` names it in the caller's words: `--host`, `list(filter).host`.
 * launchd has no remote protocol of its own: ERR_SERVICEHOST_REMOTE_UNSUPPORTED.
 */
export function parseRemoteHost(value: unknown, platform: ManagerPlatform, where: string): RemoteHost {
  if (typeof value !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a string`);
  checkCommon(where, value);
  switch (platform) {
    case 'windows':
      return parseWindowsHost(where, value);
    case 'systemd':
      return parseSystemdHost(where, value);
    case 'launchd':
      throw new ServicehostError(
        'ERR_SERVICEHOST_REMOTE_UNSUPPORTED',
        `${where}: launchd has no protocol for another machine (launchctl drives only the machine it runs on); run servicehost there, over ssh`,
      );
  }
}

/** The `host` option of servicehost/manage's functions (`--host`), as {@link ScopeOptions} documents it. */
export type HostOptions = Pick<ScopeOptions, 'host'>;

/** The Windows machine name (`\\server`) of `options.host`, or undefined for this machine. */
export function machineOf(options: HostOptions | undefined, platform: 'windows'): string | undefined {
  if (options?.host === undefined) return undefined;
  return (parseRemoteHost(options.host, platform, 'host') as WindowsRemoteHost).machine;
}

/** An operation the remote manager cannot carry, said with what to use instead. */
export function remoteUnsupported(host: string, doing: string, service: string, instead: string): ServiceManagerError {
  return new ServiceManagerError('ERR_SERVICEHOST_REMOTE_UNSUPPORTED', service, `Cannot ${doing} "${service}" on ${host}: ${instead}`);
}

/** install, configure and uninstall on a systemd host: refused, with what to use instead. */
export function systemdWriteRefused(host: string, doing: string, service: string): ServiceManagerError {
  return remoteUnsupported(
    host,
    doing,
    service,
    'systemctl -H drives units over D-Bus but cannot write a unit file there. Run servicehost on that machine (ssh user@host npx servicehost ...), or let ssh or a tool such as Ansible put the unit in place',
  );
}

/**
 * The Win32 errors of a machine that cannot be reached, by number (the RPC's
 * RPC_S_* codes have no ERROR_ name): ERROR_BAD_NETPATH 53, ERROR_BAD_NET_NAME
 * 67, ERROR_INVALID_COMPUTERNAME 1210, ERROR_INVALID_NETNAME 1214,
 * ERROR_NETWORK_UNREACHABLE 1231, ERROR_HOST_UNREACHABLE 1232,
 * RPC_S_INVALID_NET_ADDR 1707, RPC_S_SERVER_UNAVAILABLE 1722,
 * RPC_S_CALL_FAILED 1726, RPC_S_CALL_FAILED_DNE 1727.
 */
export const UNREACHABLE_WIN32_ERRORS: readonly number[] = [53, 67, 1210, 1214, 1231, 1232, 1707, 1722, 1726, 1727];

/** On another machine (`machine` set), a Win32 error that says it cannot be reached becomes ERR_SERVICEHOST_HOST_UNREACHABLE; anything else is returned as it is. */
export function remoteSystemError(error: unknown, machine: string | undefined): unknown {
  if (machine === undefined || !isSystemError(error) || !UNREACHABLE_WIN32_ERRORS.includes(error.errno)) return error;
  return new ServiceManagerError(
    'ERR_SERVICEHOST_HOST_UNREACHABLE',
    '',
    `${machine} cannot be reached through the Service Control Manager's RPC (${error.code}, ${error.syscall}): check the name, that the machine is on, and that its firewall lets remote service management in; ${error.message}`,
    error,
  );
}
