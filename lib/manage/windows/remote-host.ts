// Another Windows machine, reached through the SCM's RPC (OpenSCManagerW and
// RegConnectRegistryW with its name): how a host is written, the machine name
// the native calls take, and the errors that say it cannot be reached.
import { isSystemError } from '../../errors';
import { ServiceManagerError, translateSystemError } from '../errors';
import { HOST_NAME, checkHostText, invalidHost, type HostOptions, type ParsedHost } from '../remote-access';

/** A Windows machine, reached through the SCM's RPC (OpenSCManagerW with its name). */
export interface WindowsRemoteHost extends ParsedHost {
  platform: 'windows';
  /** The name with its leading backslashes: what OpenSCManagerW takes (`\\server`). */
  machine: string;
}

/** Checks `text` as a Windows machine, `\\server` or `server`, and returns it parsed. */
export function parseWindowsHost(text: string, where: string): WindowsRemoteHost {
  checkHostText(where, text);
  const name = text.startsWith('\\\\') ? text.slice(2) : text;
  if (name === '' || !HOST_NAME.test(name) || name.startsWith('.') || name.endsWith('.')) {
    invalidHost(where, text, 'a Windows machine is written \\\\server or server (letters, digits, ".", "-" and "_")');
  }
  return { platform: 'windows', text, machine: `\\\\${name}` };
}

/** The Windows machine name (`\\server`) of `options.host`, or undefined for this machine. */
export function machineOf(options: HostOptions | undefined): string | undefined {
  if (options?.host === undefined) return undefined;
  return parseWindowsHost(options.host, 'host').machine;
}

/**
 * The Win32 errors of a machine that cannot be reached, by number (the RPC's
 * RPC_S_* codes have no ERROR_ name): ERROR_BAD_NETPATH 53, ERROR_BAD_NET_NAME
 * 67, ERROR_INVALID_COMPUTERNAME 1210, ERROR_INVALID_NETNAME 1214,
 * ERROR_NETWORK_UNREACHABLE 1231, ERROR_HOST_UNREACHABLE 1232,
 * RPC_S_INVALID_NET_ADDR 1707, RPC_S_SERVER_UNAVAILABLE 1722,
 * RPC_S_CALL_FAILED 1726, RPC_S_CALL_FAILED_DNE 1727.
 */
const UNREACHABLE_WIN32_ERRORS: readonly number[] = [53, 67, 1210, 1214, 1231, 1232, 1707, 1722, 1726, 1727];

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

/**
 * The manager's typed error for what a native SCM or registry call threw
 * while `doing` something to `service`: its manager-level meaning
 * (ERR_SERVICEHOST_SERVICE_NOT_FOUND, ...), or, on another machine that
 * cannot be reached, ERR_SERVICEHOST_HOST_UNREACHABLE; anything else as it is.
 */
export function scmError(error: unknown, service: string, doing: string, machine: string | undefined): unknown {
  return remoteSystemError(translateSystemError(error, service, doing), machine);
}
