// Socket activation with real inherited listening sockets: systemd's own
// systemd-socket-activate opens them and passes them with LISTEN_PID,
// LISTEN_FDS and LISTEN_FDNAMES, as systemd does for a .socket unit.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';

const activator = spawnSync('systemd-socket-activate', ['--version']).status === 0;
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function get(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const attempt = (left: number) =>
      http
        .get({ host: '127.0.0.1', port, path: '/' }, (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve(JSON.parse(body)));
        })
        .on('error', (error) => (left > 0 ? setTimeout(() => attempt(left - 1), 100) : reject(error)));
    attempt(50);
  });
}

const runnable = process.platform === 'linux' && (activator || Boolean(process.env.CI));
if (!runnable) {
  test.skip('socket activation: skipped because systemd-socket-activate (package systemd) is not installed here; .ci/run installs it', () => {});
}

describe.runIf(runnable)('socket activation', () => {
  test('listenFds() returns the inherited sockets with their names, and a server listens on each', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const child = spawn(
      'systemd-socket-activate',
      ['-l', `127.0.0.1:${first}`, '-l', `127.0.0.1:${second}`, '--fdname=web:admin', '-E', 'PATH', process.execPath, path.join(fixturesDir, 'socket-activated.js')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    stop = () => child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const web = await get(first);
    const admin = await get(second);
    expect(web).toMatchObject({ fd: 3, name: 'web', socket: true });
    expect(admin).toMatchObject({ fd: 4, name: 'admin', socket: true, pid: web.pid });
    // Claimed: the variables are gone, so a child process cannot claim the fds again.
    expect(web.env).toEqual([null, null, null]);
    expect(stderr).toMatch(/serving 2/);

    // systemd-socket-activate execs the service in place: its pid is the service's.
    process.kill(web.pid as number, 'SIGTERM');
    expect(await exited).toBe(0);
  });
});
