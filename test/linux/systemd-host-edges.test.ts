// The systemd host against what systemd would never send, with a real child
// process and a real AF_UNIX notify receiver: a watchdog timeout beyond the
// timer's range, a NOTIFY_SOCKET it cannot use, LISTEN_FDS that overstate
// what was passed; and a second Service of a notify-reload process.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';
import { NotifyReceiver } from './harness/notify-receiver';

const packageRoot = path.resolve(__dirname, '..', '..');

let child: FixtureProcess | undefined;
let receiver: NotifyReceiver | undefined;
afterEach(() => {
  reap(child);
  receiver?.close();
  child = receiver = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')('the systemd host at the edges', () => {
  test('WATCHDOG_USEC past setInterval\'s range (2^31-1 ms): no burst of pings', async () => {
    receiver = await NotifyReceiver.start('path');
    // 5e12 µs: half of it is 2.5e9 ms, which setInterval would turn into 1 ms.
    child = new FixtureProcess('lifecycle-service.js', { env: { NOTIFY_SOCKET: receiver.address, WATCHDOG_USEC: '5000000000000', WATCHDOG_PID: '' } });
    await child.waitForEvent('running');
    await receiver.waitForLine('READY=1');
    await sleep(1_500);
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(receiver.lines.filter((line) => line === 'WATCHDOG=1').length).toBeLessThanOrEqual(2);
    expect(child.stderr).not.toMatch(/TimeoutOverflowWarning/u);
  });

  for (const [socket, said] of [
    ['vsock:2:1234', /NOTIFY_SOCKET="vsock:2:1234" is an AF_VSOCK address, which servicehost does not support: systemd is not notified/gu],
    ['run/notify.sock', /NOTIFY_SOCKET="run\/notify.sock" is a relative path, which systemd never sets .*: ignored, systemd is not notified/gu],
  ] as const) {
    test(`NOTIFY_SOCKET=${socket}: one warning in service.log, and the service still runs and stops`, async () => {
      child = new FixtureProcess('lifecycle-service.js', { env: { NOTIFY_SOCKET: socket } });
      expect((await child.waitForEvent('host')).kind).toBe('systemd');
      await child.waitForEvent('running');
      child.kill('SIGTERM');
      expect((await child.exited).code).toBe(0);
      expect(child.stderr.match(said)).toHaveLength(1);
    });
  }
});

// SERVICEHOST_NOTIFY_RELOAD (a Type=notify-reload unit servicehost wrote) is
// read from the process once and taken out of its environment, so children do
// not take SIGHUP for a reload; it is remembered, so a second Service of the
// process, after the first was disposed, still answers SIGHUP with
// RELOADING=1 and READY=1 and keeps running (a stop before the memo).
describe.runIf(process.platform === 'linux')('SERVICEHOST_NOTIFY_RELOAD, remembered', () => {
  test('a second Service after dispose() still answers SIGHUP as the reload, and keeps running', async () => {
    const notified = await NotifyReceiver.start('path');
    receiver = notified;
    child = new FixtureProcess('notify-reload-second.js', { env: { NOTIFY_SOCKET: notified.address, SERVICEHOST_NOTIFY_RELOAD: '1' } });
    // Taken out of the environment by the first host.
    expect((await child.waitForEvent('first-running')).variable).toBeNull();
    await child.waitForEvent('second-running');
    // The receiver reads its datagrams apart from the child's stdout: the second READY=1 may still be on its way.
    const readies = (): number => notified.lines.filter((line) => line === 'READY=1').length;
    for (let waited = 0; readies() < 2 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readies()).toBe(2);
    const before = receiver.lines.length;
    child.kill('SIGHUP');
    await receiver.waitForLine('RELOADING=1');
    // READY=1 after it: the reload answered.
    for (let waited = 0; !receiver.lines.slice(before).includes('READY=1') && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const after = receiver.lines.slice(before);
    expect(after.indexOf('READY=1')).toBeGreaterThan(after.indexOf('RELOADING=1'));
    expect(after).not.toContain('STOPPING=1');
    expect((await child.waitForEvent('warn')).message).toMatch(/systemctl reload: the program does not listen for 'reload'/u);
    expect(child.process.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});

// A child whose fd 3 is a real listening socket and fd 4 a regular file; it
// reads LISTEN_FDS (and LISTEN_PID = its own pid) and prints what listenFds() returns.
async function listenFdsInChild(listenFdsValue: string, options: object, passSocket = true): Promise<unknown> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const file = openSync(process.execPath, 'r');
  try {
    const script = `const { listenFds } = require(${JSON.stringify(packageRoot)});
      const env = { LISTEN_PID: String(process.pid), LISTEN_FDS: ${JSON.stringify(listenFdsValue)} };
      process.stdout.write(JSON.stringify(listenFds({ env, ...${JSON.stringify(options)} }).map(({ fd, socket }) => ({ fd, socket }))));`;
    const stdio = passSocket ? ['ignore', 'pipe', 'pipe', (server as unknown as { _handle: unknown })._handle, file] : ['ignore', 'pipe', 'pipe'];
    const child = spawn(process.execPath, ['-e', script], { stdio: stdio as never });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (err += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`child exited ${code}: ${err}`);
    return JSON.parse(out);
  } finally {
    closeSync(file);
    server.close();
  }
}

describe.runIf(process.platform === 'linux')('listenFds with real inherited fds', () => {
  test('only sockets: a regular file and Node\'s own fds are skipped; nonSockets: true lists them as socket: false', async () => {
    expect(await listenFdsInChild('4', {})).toEqual([{ fd: 3, socket: true }]);
    const all = (await listenFdsInChild('3', { nonSockets: true })) as { fd: number; socket: boolean }[];
    expect(all).toEqual([{ fd: 3, socket: true }, { fd: 4, socket: false }, { fd: 5, socket: false }]);
  });

  test('LISTEN_FDS=2 with nothing passed: none of Node\'s own fds', async () => {
    expect(await listenFdsInChild('2', {}, false)).toEqual([]);
  });

  test('LISTEN_FDS past the open fds: the closed ones are skipped, not an EBADF', async () => {
    expect(await listenFdsInChild('40', {})).toEqual([{ fd: 3, socket: true }]);
  });

  test('LISTEN_FDS=0x10 is refused, not read as 16', async () => {
    await expect(listenFdsInChild('0x10', {})).rejects.toThrow(/LISTEN_FDS must be a decimal integer/u);
  });
});
