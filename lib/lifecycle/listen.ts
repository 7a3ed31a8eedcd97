// service.listen(server, target): one line that serves on every host. Under a
// systemd unit with a socket (`servicehost install --listen`), the server
// takes the listening socket systemd holds (LISTEN_FDS), found by its
// FileDescriptorName= or by its port or path, so a restart closes no port:
// the kernel queues connections while one process drains and the next starts.
// Anywhere else (a terminal, a unit without a socket, launchd, Windows) it
// binds the address itself.
import * as net from 'node:net';
import { fromNodeError, ServicehostError } from '../errors';
import { inheritedSockets, type InheritedSocket } from './inherited-sockets';
import { expectObject, expectString, showValue } from '../validate';
import { formatListenAddress, isFdName, readListenAddress, type ListenAddress } from './listen-address';
import type { Logger } from './log';

/** What {@link Service.listen} listens on: a port, 'host:port', an absolute socket path, or a FileDescriptorName= systemd passed. */
export type ListenTarget = number | string;

/** Options of {@link Service.listen}. */
export interface ListenOptions {
  /** Take the inherited socket of this FileDescriptorName= first (`--listen web=8080`); the target is what is bound when there is none. */
  name?: string;
}

/** What {@link Service.listen} resolves with, once the server accepts. */
export interface Listening {
  /** The socket came from systemd (LISTEN_FDS): it stays open across restarts. false: bound here. */
  inherited: boolean;
  /** The inherited fd. */
  fd?: number;
  /** The inherited socket's FileDescriptorName=. */
  name?: string;
  /** server.address() once listening. */
  address: net.AddressInfo | string | null;
}

/** The part of Service that listen() needs. */
export interface ListeningService {
  add(resource: object, options?: { name?: string }): unknown;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly name: string;
}

// Fds a server of this process already took: two servers never share one.
const taken = new Set<number>();

/** The canonical text of an IP address ('::1' for '0:0::1'), so two spellings of one address compare equal. */
function canonicalIp(host: string): string {
  return net.isIPv6(host) ? new net.SocketAddress({ address: host, family: 'ipv6' }).address : host;
}

/**
 * Whether a socket bound to `bound` serves `wanted`: a path, that path; a
 * port alone, that port on any address (the unit says where it listens);
 * host:port, that port on that same address, never the wildcard (a socket on
 * every address would serve where the program asked for one).
 */
export function boundMatches(bound: ListenAddress, wanted: ListenAddress): boolean {
  if (wanted.kind === 'unix') return bound.kind === 'unix' && bound.path === wanted.path;
  if (bound.kind !== 'tcp' || bound.port !== wanted.port) return false;
  return wanted.host === undefined || (bound.host !== undefined && canonicalIp(bound.host) === canonicalIp(wanted.host));
}

/**
 * The inherited socket for `address` or `name`: by FileDescriptorName= first
 * (the name asked for, whatever its address), then by the address it is
 * bound to. Where that address cannot be read (a unit with a network
 * namespace of its own), by the name `--listen` gives it: the port or path.
 */
export function findInherited(sockets: readonly InheritedSocket[], address: ListenAddress | undefined, name: string | undefined): InheritedSocket | undefined {
  const free = sockets.filter((socket) => socket.socket && !taken.has(socket.fd));
  const named = name === undefined ? undefined : free.find((socket) => socket.name === name);
  if (named !== undefined || address === undefined) return named;
  const bound = free.find((socket) => socket.bound !== undefined && boundMatches(socket.bound, address));
  if (bound !== undefined) return bound;
  const implicitName = address.kind === 'tcp' ? String(address.port) : address.path;
  return free.find((socket) => socket.bound === undefined && socket.name === implicitName);
}

function describeTarget(address: ListenAddress | undefined, name: string | undefined): string {
  return [name === undefined ? undefined : `named ${showValue(name)}`, address === undefined ? undefined : `on ${formatListenAddress(address)}`].filter(Boolean).join(' or ');
}

/**
 * Listens `server` on the inherited socket for `target`, else binds it; adds
 * it to the service's teardown (an http server is drained) and resolves once
 * it accepts.
 */
export async function listenService(service: ListeningService, server: net.Server, target: ListenTarget, options: ListenOptions = {}): Promise<Listening> {
  if (!(server instanceof net.Server)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'service.listen(server, target): server must be a net, http, https or http2 server');
  const checked = expectObject('service.listen(server, target, options): options', options);
  const name = checked.name === undefined ? undefined : expectString('service.listen: options.name', checked.name, { nonEmpty: true });
  if (name !== undefined && !isFdName(name)) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `service.listen: options.name ${showValue(name)} is not a FileDescriptorName= (printable ASCII but ':', at most 255)`);
  const address = readListenAddress('service.listen(server, target): target', target);
  const wantedName = name ?? (address === undefined ? (target as string) : undefined);
  if (address === undefined && !isFdName(wantedName!)) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `service.listen(server, target): ${showValue(target)} is not a port, host:port, absolute socket path or socket name`);
  }
  if (service.signal.aborted) throw new ServicehostError('ERR_SERVICEHOST_STOPPED', 'service.listen() after a stop was requested');
  if (server.listening) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'service.listen(server, target): the server is already listening');

  // Read once per call: the fds systemd passed and where each is bound.
  const sockets = inheritedSockets();
  const inherited = findInherited(sockets, address, wantedName);
  if (inherited === undefined && address === undefined) {
    const passed = sockets.map((socket) => socket.name).join(', ') || 'none';
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `service.listen(server, ${showValue(target)}): systemd passed no socket of that name (passed: ${passed}), and a name alone is no address to bind: give the port or path as well, service.listen(server, 8080, { name: ${showValue(target)} })`,
    );
  }
  if (inherited === undefined && sockets.some((socket) => socket.socket && !taken.has(socket.fd))) {
    service.log.warn(`${service.name}: systemd passed sockets (${sockets.map((socket) => socket.name).join(', ')}) but none ${describeTarget(address, wantedName)}: binding ${formatListenAddress(address!)} here, so a restart closes it`);
  }
  if (inherited) taken.add(inherited.fd);
  // Added first, so the drain sees every connection from the first one on.
  service.add(server);
  await new Promise<void>((resolve, reject) => {
    // Node's own error, as servicehost's: the system's code, errno and syscall kept (serveHealth's too).
    const failed = (error: NodeJS.ErrnoException) => {
      server.off('listening', listening);
      if (inherited) taken.delete(inherited.fd);
      const where = inherited ? `the socket systemd passed (fd ${inherited.fd}${inherited.name ? `, ${inherited.name}` : ''})` : formatListenAddress(address!);
      reject(fromNodeError(error, `service.listen(server, target): cannot listen on ${where}: ${error.message}`));
    };
    const listening = () => {
      server.off('error', failed);
      resolve();
    };
    server.once('error', failed).once('listening', listening);
    if (inherited) server.listen({ fd: inherited.fd });
    else if (address!.kind === 'unix') server.listen(address!.path);
    else if (address!.host === undefined) server.listen(address!.port);
    else server.listen(address!.port, address!.host);
  });
  // Node knows no path for a pipe it was handed by fd: the path it was found by is the one.
  const where = server.address() ?? (inherited?.bound?.kind === 'unix' ? inherited.bound.path : null);
  return { inherited: inherited !== undefined, ...(inherited ? { fd: inherited.fd, name: inherited.name } : {}), address: where };
}
