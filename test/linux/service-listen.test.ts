// service.listen(server, target): the socket systemd passed (LISTEN_FDS, from
// the real systemd-socket-activate) by its FileDescriptorName=, by its port or
// by its path; and, with nothing passed for it, a port bound by the program.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';

const activator = spawnSync('systemd-socket-activate', ['--version']).status === 0;
const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Reply {
  pid: number;
  listening: { inherited: boolean; fd?: number; name?: string; address: unknown };
  warnings: string[];
}

/** GET / on a port or socket path, retried while the fixture comes up. */
function get(where: number | string | { host: string; port: number }): Promise<Reply> {
  const target = typeof where === 'number' ? { host: '127.0.0.1', port: where } : typeof where === 'string' ? { socketPath: where } : where;
  return new Promise((resolve, reject) => {
    const attempt = (left: number) =>
      http
        .get({ ...target, path: '/' }, (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve(JSON.parse(body) as Reply));
        })
        .on('error', (error) => (left > 0 ? setTimeout(() => attempt(left - 1), 100) : reject(error)));
    attempt(100);
  });
}

/** The fixture, under systemd-socket-activate with `activate` (its -l/--fdname), or alone. */
function run(config: { target: unknown; options?: object }, activate?: string[]): ChildProcess {
  const env = { ...process.env };
  for (const name of ['NOTIFY_SOCKET', 'LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete env[name];
  const fixture = [process.execPath, path.join(fixturesDir, 'listen-service.js'), JSON.stringify(config)];
  const child = activate
    ? spawn('systemd-socket-activate', [...activate, '-E', 'PATH', ...fixture], { env, stdio: 'ignore' })
    : spawn(fixture[0]!, fixture.slice(1), { env, stdio: 'ignore' });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

describe.runIf(process.platform === 'linux')('service.listen without LISTEN_FDS', () => {
  test('binds the port itself, resolves once it accepts, and the teardown closes it', async () => {
    const port = await freePort();
    const child = run({ target: `127.0.0.1:${port}` });
    const reply = await get(port);
    expect(reply.listening).toMatchObject({ inherited: false, address: { address: '127.0.0.1', port } });
    expect(reply.warnings).toEqual([]);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    // Closed by the teardown: nothing listens there any more.
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

if (!activator) test.skip('service.listen with LISTEN_FDS: skipped because systemd-socket-activate (package systemd) is not installed here; .ci/run installs it', () => {});

describe.runIf(process.platform === 'linux' && activator)('service.listen with LISTEN_FDS (systemd-socket-activate)', () => {
  test('takes the socket of its FileDescriptorName=', async () => {
    const [web, admin] = [await freePort(), await freePort()];
    run({ target: 'admin' }, ['-l', `127.0.0.1:${web}`, '-l', `127.0.0.1:${admin}`, '--fdname=web:admin']);
    // The first connection (to either socket) starts the program; it serves only on admin's.
    const reply = await get(admin);
    expect(reply.listening).toMatchObject({ inherited: true, fd: 4, name: 'admin', address: { port: admin } });
  });

  test('takes the socket bound to its port when the name does not match', async () => {
    const port = await freePort();
    run({ target: port }, ['-l', `127.0.0.1:${port}`, '--fdname=other']);
    const reply = await get(port);
    expect(reply.listening).toMatchObject({ inherited: true, fd: 3, name: 'other' });
    expect(reply.warnings).toEqual([]);
  });

  test('host:port takes no socket of that port on another address, though systemd named it by the port', async () => {
    const port = await freePort();
    // As `--listen 127.0.0.2:<port>` writes it: FileDescriptorName= is the port.
    run({ target: `127.0.0.1:${port}` }, ['-l', `127.0.0.2:${port}`, `--fdname=${port}`]);
    await new Promise<void>((resolve) => {
      const poke = () => net.connect(port, '127.0.0.2').on('connect', () => resolve()).on('error', () => setTimeout(poke, 50));
      poke();
    });
    const reply = await get(port);
    expect(reply.listening).toMatchObject({ inherited: false, address: { address: '127.0.0.1', port } });
    expect(reply.warnings.join('\n')).toContain(`passed sockets (${port}) but none on 127.0.0.1:${port}: binding`);
  });

  test('host:port takes the socket bound to that address', async () => {
    const port = await freePort();
    run({ target: `127.0.0.2:${port}` }, ['-l', `127.0.0.2:${port}`, '--fdname=web']);
    const reply = await get({ host: '127.0.0.2', port });
    expect(reply.listening).toMatchObject({ inherited: true, fd: 3, name: 'web', address: { address: '127.0.0.2', port } });
  });

  test('takes the AF_UNIX socket bound to its path', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'listen-'));
    folders.push(folder);
    const socketPath = path.join(folder, 'app.sock');
    run({ target: socketPath }, ['-l', socketPath, '--fdname=unnamed']);
    const reply = await get(socketPath);
    expect(reply.listening).toMatchObject({ inherited: true, fd: 3, name: 'unnamed', address: socketPath });
  });

  test('binds its own port, and says so, when systemd passed none of that name or port', async () => {
    const [passed, own] = [await freePort(), await freePort()];
    run({ target: `127.0.0.1:${own}`, options: { name: 'api' } }, ['-l', `127.0.0.1:${passed}`, '--fdname=web']);
    // Started by a connection to the passed socket (once systemd-socket-activate listens), which it does not serve.
    await new Promise<void>((resolve) => {
      const poke = () => net.connect(passed, '127.0.0.1').on('connect', () => resolve()).on('error', () => setTimeout(poke, 50));
      poke();
    });
    const reply = await get(own);
    expect(reply.listening).toMatchObject({ inherited: false, address: { port: own } });
    expect(reply.warnings.join('\n')).toMatch(/passed sockets \(web\) but none named "api" or on 127\.0\.0\.1:\d+: binding/);
  });
});
