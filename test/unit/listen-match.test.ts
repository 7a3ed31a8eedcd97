// Which inherited socket service.listen() takes (lib/lifecycle/listen.ts), and
// where systemd's sockets are bound, read from /proc's tables
// (lib/hosts/systemd/socket-addresses.ts): the address of host:port must be
// the socket's own, the wildcard is not taken for one address.
import net from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { boundMatches, findInherited } from '../../lib/lifecycle/listen';
import { parseListenAddress } from '../../lib/lifecycle/listen-address';
import { boundAddresses, parseInetTable, parseUnixTable, procAddress } from '../../lib/hosts/systemd/socket-addresses';

const tcp = (text: string) => parseListenAddress('test', text);

describe('the bound address service.listen() matches', () => {
  test.each([
    ['8080', '[::]:8080', true],
    ['8080', '127.0.0.1:8080', true],
    ['8080', '10.0.0.1:8081', false],
    ['127.0.0.1:8080', '127.0.0.1:8080', true],
    ['127.0.0.1:8080', '10.0.0.1:8080', false],
    ['127.0.0.1:8080', '0.0.0.0:8080', false],
    ['127.0.0.1:8080', '[::]:8080', false],
    ['[::1]:8080', '[0:0:0:0:0:0:0:1]:8080', true],
    ['[::1]:8080', '[::]:8080', false],
    ['/run/a.sock', '/run/a.sock', true],
    ['/run/a.sock', '/run/b.sock', false],
    ['8080', '/run/a.sock', false],
  ])('target %s, socket bound to %s: %s', (target, bound, matches) => {
    expect(boundMatches(tcp(bound), tcp(target))).toBe(matches);
  });

  test('host:port does not take a socket of that port on another address, though its name is the port', () => {
    const sockets = [{ fd: 3, name: '8080', socket: true, bound: tcp('10.0.0.1:8080') }];
    expect(findInherited(sockets, tcp('127.0.0.1:8080'), undefined)).toBeUndefined();
    expect(findInherited(sockets, tcp('10.0.0.1:8080'), undefined)?.fd).toBe(3);
    expect(findInherited(sockets, tcp('8080'), undefined)?.fd).toBe(3);
    // A name asked for is taken whatever its address.
    expect(findInherited(sockets, tcp('127.0.0.1:8080'), '8080')?.fd).toBe(3);
  });

  test('a socket whose address cannot be read (another network namespace) is found by the name --listen gave it', () => {
    const sockets = [{ fd: 3, name: 'web', socket: true }, { fd: 4, name: '8080', socket: true }];
    expect(findInherited(sockets, tcp('127.0.0.1:8080'), undefined)?.fd).toBe(4);
    expect(findInherited(sockets, tcp('9090'), undefined)).toBeUndefined();
  });
});

test('lib/lifecycle knows no platform: no /proc and no process.platform there (the host hands in where sockets are bound)', () => {
  const folder = path.join(__dirname, '..', '..', 'lib', 'lifecycle');
  const knowing = readdirSync(folder).filter((file) => /\/proc\/|process\.platform/u.test(readFileSync(path.join(folder, file), 'utf8')));
  expect(knowing).toEqual([]);
});

describe("/proc/net's tables", () => {
  test('IPv4 and IPv6 words as a little- and a big-endian machine print them', () => {
    expect(procAddress('0100007F', 'LE')).toBe('127.0.0.1');
    expect(procAddress('7F000001', 'BE')).toBe('127.0.0.1');
    expect(procAddress('00000000000000000000000001000000', 'LE')).toBe('::1');
    expect(procAddress('00000000000000000000000000000001', 'BE')).toBe('::1');
    expect(procAddress('B80D0120000000000000000001000000', 'LE')).toBe('2001:db8::1');
  });

  test('rows by inode', () => {
    const tcp4 = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000011e57941 100 0 0 10 0',
    ].join('\n');
    expect(parseInetTable(tcp4, 'LE').get('4242')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8080 });
    const unix = ['Num       RefCount Protocol Flags    Type St Inode Path', '0000000000000000: 00000002 00000000 00010000 0001 01 777 /run/app one.sock'].join('\n');
    expect(parseUnixTable(unix).get('777')).toEqual({ kind: 'unix', path: '/run/app one.sock' });
  });
});

const folder = mkdtempSync(path.join(os.tmpdir(), 'listen-match-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function listening(server: net.Server, ...args: unknown[]): Promise<number> {
  return new Promise((resolve) => server.listen(...(args as []), () => resolve((server as unknown as { _handle: { fd: number } })._handle.fd)));
}

describe.runIf(process.platform === 'linux')('boundAddresses on real sockets of this process', () => {
  test('127.0.0.1, ::1 and a socket path, from one read of each table', async () => {
    const servers = [net.createServer(), net.createServer(), net.createServer()];
    const socketPath = path.join(folder, 'a.sock');
    const fds = [await listening(servers[0]!, 0, '127.0.0.1'), await listening(servers[1]!, 0, '::1'), await listening(servers[2]!, socketPath)];
    try {
      const found = boundAddresses(fds);
      expect(found.get(fds[0]!)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: (servers[0]!.address() as net.AddressInfo).port });
      expect(found.get(fds[1]!)).toEqual({ kind: 'tcp', host: '::1', port: (servers[1]!.address() as net.AddressInfo).port });
      expect(found.get(fds[2]!)).toEqual({ kind: 'unix', path: socketPath });
      expect(boundAddresses([0]).size).toBe(0);
    } finally {
      for (const server of servers) server.close();
    }
  });
});
