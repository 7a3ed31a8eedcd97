// Where each socket systemd passed is bound, for service.listen() to match
// its target against: Linux keeps it in /proc, by the socket's inode (the fd
// may be any socket systemd opened: no need to listen on it first). Each
// table is read at most once per call, and none when nothing was passed.
import { readFileSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import type { InheritedSocket } from '../../lifecycle/inherited-sockets';
import type { ListenAddress } from '../../lifecycle/listen-address';
import { listenFds } from './socket-activation';

function socketInode(fd: number): string | undefined {
  try {
    return /^socket:\[([0-9]+)\]$/u.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
  } catch {
    return undefined;
  }
}

/** A /proc/net table's rows, split at white space, without its heading. */
function rows(text: string): string[][] {
  return text.split('\n').slice(1).map((line) => line.trim().split(/\s+/u)).filter((fields) => fields.length > 1);
}

function readTable(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * An address of /proc/net/tcp{,6}: 32-bit words, each printed (%08X) as the
 * host loads it, so on a little-endian machine each word's bytes come
 * reversed. `0100007F` is 127.0.0.1 on x86.
 */
export function procAddress(hex: string, endianness: 'LE' | 'BE' = os.endianness()): string {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let word = 0; word < hex.length / 8; word++) {
    const value = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
    if (endianness === 'LE') bytes.writeUInt32LE(value, word * 4);
    else bytes.writeUInt32BE(value, word * 4);
  }
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16)).join(':');
  // The canonical text ('::1', not '0:0:0:0:0:0:0:1'), as net and systemd write it.
  return new net.SocketAddress({ address: groups, family: 'ipv6' }).address;
}

/** /proc/net/tcp or tcp6 as inode → bound address (`sl local_address rem_address st ... uid timeout inode`). */
export function parseInetTable(text: string, endianness?: 'LE' | 'BE'): Map<string, ListenAddress> {
  const table = new Map<string, ListenAddress>();
  for (const fields of rows(text)) {
    const [host, port] = fields[1]!.split(':');
    if (fields[9] === undefined || host === undefined || port === undefined) continue;
    table.set(fields[9], { kind: 'tcp', host: procAddress(host, endianness), port: Number.parseInt(port, 16) });
  }
  return table;
}

/** /proc/net/unix as inode → bound path (`Num RefCount Protocol Flags Type St Inode Path`; an abstract name begins with '@'). */
export function parseUnixTable(text: string): Map<string, ListenAddress> {
  const table = new Map<string, ListenAddress>();
  for (const fields of rows(text)) if (fields.length > 7) table.set(fields[6]!, { kind: 'unix', path: fields.slice(7).join(' ') });
  return table;
}

/** Each fd's bound address, for the fds that are sockets this process's network namespace shows. */
export function boundAddresses(fds: readonly number[]): Map<number, ListenAddress> {
  const inodes = new Map<number, string>();
  for (const fd of fds) {
    const inode = socketInode(fd);
    if (inode !== undefined) inodes.set(fd, inode);
  }
  const found = new Map<number, ListenAddress>();
  // The tables in turn, each read once and only while an inode is still unplaced.
  const tables = [() => parseInetTable(readTable('/proc/net/tcp')), () => parseInetTable(readTable('/proc/net/tcp6')), () => parseUnixTable(readTable('/proc/net/unix'))];
  for (const table of tables) {
    if (found.size === inodes.size) break;
    const read = table();
    for (const [fd, inode] of inodes) {
      const address = read.get(inode);
      if (address !== undefined && !found.has(fd)) found.set(fd, address);
    }
  }
  return found;
}

/**
 * The sockets systemd passed (listenFds()), each with where it is bound:
 * what the entry hands service.listen(). A socket of another network
 * namespace (a unit with PrivateNetwork=) has no `bound`.
 */
export function inheritedListeningSockets(): InheritedSocket[] {
  const sockets = listenFds();
  if (sockets.length === 0) return [];
  const bound = boundAddresses(sockets.map((socket) => socket.fd));
  return sockets.map((socket) => {
    const address = bound.get(socket.fd);
    return address === undefined ? socket : { ...socket, bound: address };
  });
}
