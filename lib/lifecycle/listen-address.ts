// The one grammar of a listening address, shared by `service.listen()` and
// `servicehost install --listen` (systemd.listen): a port, host:port with a
// literal IP, or an absolute AF_UNIX path; on the install side optionally
// `name=` in front, the socket's FileDescriptorName=.
import * as net from 'node:net';
import { ServicehostError } from '../errors';
import { showValue } from '../validate';

/** Where a server listens: a TCP port (on every address, or one) or an AF_UNIX socket path. */
export type ListenAddress =
  | { kind: 'tcp'; port: number; host?: string }
  | { kind: 'unix'; path: string };

/** sun_path holds 108 bytes, the terminating NUL included. */
export const MAX_UNIX_PATH_BYTES = 107;
/** systemd's fdname_is_valid(): at most 255 characters. */
const MAX_FD_NAME = 255;

function fail(where: string, value: unknown, why: string): never {
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}: ${showValue(value)} ${why}`);
}

function port(where: string, value: unknown, text: string): number {
  if (!/^[0-9]+$/u.test(text)) fail(where, value, 'has a port that is not a number');
  const number = Number(text);
  if (number < 1 || number > 65_535) fail(where, value, 'has a port outside 1 to 65535');
  return number;
}

/**
 * Reads a port (8080 or '8080'), 'host:port' ('127.0.0.1:8080',
 * '[::1]:8080'; a literal IP, as systemd binds addresses, not names) or an
 * absolute socket path; undefined for a string that is none of these (a
 * FileDescriptorName, for service.listen). Throws a typed error for a value
 * that looks like one of them but is wrong.
 */
export function readListenAddress(where: string, value: unknown): ListenAddress | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 65_535) fail(where, value, 'is not a port from 1 to 65535');
    return { kind: 'tcp', port: value };
  }
  if (typeof value !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be a port number or a string; got ${value === null ? 'null' : typeof value}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(value)) fail(where, value, 'contains a line break or another control character');
  if (value === '') fail(where, value, 'is empty');
  if (value.trim() !== value) fail(where, value, 'begins or ends with a space');
  if (/^[0-9]+$/u.test(value)) return { kind: 'tcp', port: port(where, value, value) };
  if (value.startsWith('/')) {
    if (Buffer.byteLength(value) > MAX_UNIX_PATH_BYTES) fail(where, value, `is ${Buffer.byteLength(value)} bytes long; a socket path holds at most ${MAX_UNIX_PATH_BYTES}`);
    if (value.endsWith('/')) fail(where, value, 'ends with a slash: a socket path names a file');
    return { kind: 'unix', path: value };
  }
  const bracketed = /^\[([^\]]*)\]:(.*)$/su.exec(value);
  if (bracketed) {
    if (!net.isIPv6(bracketed[1]!) || bracketed[1]!.includes('%')) fail(where, value, 'has no IPv6 address between the brackets');
    return { kind: 'tcp', host: bracketed[1]!, port: port(where, value, bracketed[2]!) };
  }
  if (value.startsWith('[')) fail(where, value, 'is not [IPv6 address]:port');
  const colon = value.lastIndexOf(':');
  if (colon !== -1) {
    const host = value.slice(0, colon);
    if (net.isIPv6(value)) fail(where, value, 'is an IPv6 address without a port: write [address]:port');
    if (!net.isIPv4(host)) {
      fail(where, value, `names the host ${showValue(host)}: give an IP address (systemd binds addresses, not names), e.g. 127.0.0.1:${value.slice(colon + 1)} or [::1]:${value.slice(colon + 1)}`);
    }
    return { kind: 'tcp', host, port: port(where, value, value.slice(colon + 1)) };
  }
  if (value.includes('/') || /\.sock$/u.test(value)) fail(where, value, 'is a relative path: a socket path must be absolute');
  return undefined;
}

/** Like readListenAddress, but a value that is no address is an error. */
export function parseListenAddress(where: string, value: unknown): ListenAddress {
  return readListenAddress(where, value) ?? fail(where, value, 'is not a port, host:port or absolute socket path');
}

/** The address as systemd's ListenStream= and the docs write it. */
export function formatListenAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return address.path;
  if (address.host === undefined) return String(address.port);
  return net.isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** A FileDescriptorName= systemd takes (fdname_is_valid): printable ASCII but ':', 1 to 255 characters. */
export function isFdName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_FD_NAME && /^[\u0021-\u0039\u003b-\u007e]+$/u.test(name);
}

/** One `--listen [name=]address`: the address and the FileDescriptorName= its socket gets. */
export interface NamedListenAddress {
  address: ListenAddress;
  /** FileDescriptorName=: the name given, else the port, else the socket path. */
  name: string;
}

/**
 * Reads `[name=]address`. The default name is the port (so that
 * `service.listen(server, 8080)` finds it by name as well as by port) or the
 * socket path. A name is letters, digits and `_ . -`.
 */
export function parseNamedListen(where: string, value: unknown): NamedListenAddress {
  if (typeof value === 'string') {
    const named = /^([^=/]*)=(.*)$/su.exec(value);
    if (named) {
      const name = named[1]!;
      if (!/^[A-Za-z0-9_.-]{1,255}$/u.test(name)) fail(where, value, 'has a socket name that is not 1 to 255 letters, digits and _ . -');
      if (/^[0-9]+$/u.test(name)) fail(where, value, 'has a socket name made only of digits, which would read as a port');
      return { address: parseListenAddress(where, named[2]), name };
    }
  }
  const address = parseListenAddress(where, value);
  const name = address.kind === 'tcp' ? String(address.port) : address.path;
  // A path as the name only when it is plain (FileDescriptorName= would read '%' as a specifier).
  if (!/^[A-Za-z0-9_./-]{1,255}$/u.test(name)) fail(where, value, "has a path that cannot be the socket's FileDescriptorName= (letters, digits and _ . / - only): name it, as name=/path");
  return { address, name };
}
