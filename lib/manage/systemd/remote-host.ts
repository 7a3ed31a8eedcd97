// Another systemd machine, reached over ssh (`systemctl -H`, `ssh … journalctl`):
// how a host is written (`user@host[:port]`, an IPv6 address in brackets), and
// the writes systemctl -H cannot carry.
import { HOST_NAME, checkHostText, invalidHost, remoteUnsupported, type ParsedHost } from '../remote-access';
import type { ServiceManagerError } from '../errors';

/** A systemd machine, reached over ssh (`systemctl -H`, `ssh … journalctl`). */
export interface SystemdRemoteHost extends ParsedHost {
  platform: 'systemd';
  /** The login, when given. */
  user: string | undefined;
  /** The host name or address (an IPv6 address without its brackets). */
  hostname: string;
  /** The ssh port, when given. */
  port: number | undefined;
}

const LOGIN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/u;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/u;

/** Checks `text` as a systemd host, `user@host[:port]`, `host` or `[address]:port`, and returns it parsed; `text` is what `systemctl -H` takes. */
export function parseSystemdHost(text: string, where: string): SystemdRemoteHost {
  checkHostText(where, text);
  const at = text.lastIndexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  let rest = at === -1 ? text : text.slice(at + 1);
  if (user !== undefined && !LOGIN.test(user)) invalidHost(where, text, 'the user before "@" must be a login name (letters, digits, ".", "-" and "_", not first "-")');
  let hostname: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    hostname = close === -1 ? '' : rest.slice(1, close);
    if (!IPV6.test(hostname) || !hostname.includes(':')) invalidHost(where, text, 'an IPv6 address is written [address]');
    rest = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    hostname = colon === -1 ? rest : rest.slice(0, colon);
    rest = colon === -1 ? '' : rest.slice(colon);
    if (!HOST_NAME.test(hostname) || hostname.startsWith('.') || hostname.endsWith('.')) invalidHost(where, text, 'a systemd host is written user@host[:port] or host (letters, digits, ".", "-" and "_")');
  }
  let port: number | undefined;
  if (rest !== '') {
    if (!/^:\d{1,5}$/u.test(rest) || Number(rest.slice(1)) < 1 || Number(rest.slice(1)) > 65_535) invalidHost(where, text, 'the port after ":" must be a number from 1 to 65535');
    port = Number(rest.slice(1));
  }
  return { platform: 'systemd', text, user, hostname, port };
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
