// The systemd host against a real AF_UNIX datagram socket the test binds, as
// systemd's would be: a path name and an '@' abstract name; order and content
// of READY, STATUS, STOPPING, EXTEND_TIMEOUT_USEC, RELOADING, ERRNO, FDSTORE;
// the watchdog's cadence, a stalled loop missing its pings, and pings after STOPPING.
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';
import { NotifyReceiver } from './harness/notify-receiver';

let child: FixtureProcess | undefined;
let receiver: NotifyReceiver | undefined;
afterEach(() => {
  reap(child);
  receiver?.close();
  child = receiver = undefined;
});

async function startUnderSystemd(kind: 'path' | 'abstract', fixture: object, env: NodeJS.ProcessEnv = {}, stallMs = 0) {
  receiver = await NotifyReceiver.start(kind, { stallMs });
  child = new FixtureProcess('lifecycle-service.js', { fixture, env: { NOTIFY_SOCKET: receiver.address, ...env } });
  return { receiver, child };
}

describe.runIf(process.platform === 'linux')('systemd notify', () => {
  test('a receiver that stalls for 3 s: READY=1 and every message systemd acts on still arrive, in order; a burst of progress() waits as its newest; "busy" told once; the loop is never blocked', async () => {
    // 5000 progress reports fill the kernel's datagram queue (10 here) long before READY.
    const { receiver, child } = await startUnderSystemd('path', { progressCount: 5_000, options: { startTimeoutMs: 20_000 } }, {}, 3_000);
    await child.waitForEvent('running');
    await receiver.waitForLine('READY=1', 10_000);
    const lines = receiver.lines;
    const extends_ = lines.filter((line) => line.startsWith('EXTEND_TIMEOUT_USEC='));
    // The first EXTEND_TIMEOUT_USECs went out before the queue filled; the ones that waited were superseded by the
    // newest (as STATUS is), so a few of the 5002 sent (1 at start, 1 per progress) arrive, not thousands; READY comes last.
    expect(extends_.length).toBeGreaterThan(0);
    expect(extends_.length).toBeLessThan(20);
    expect(lines.at(-1)).toBe('READY=1');
    expect(lines.filter((line) => line.startsWith('STATUS=')).at(-1)).toBe('STATUS=step 5000');
    expect(child.process.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    await receiver.waitForLine('EXIT_STATUS=0', 5_000);
    expect(receiver.lines.slice(-3)).toEqual(['STOPPING=1', expect.stringMatching(/^EXTEND_TIMEOUT_USEC=\d+$/u), 'EXIT_STATUS=0']);
    expect(child.stderr.match(/is busy; sending again shortly/gu)).toHaveLength(1);
    expect(child.stderr.match(/works again/gu)).toHaveLength(1);
  });

  for (const kind of ['path', 'abstract'] as const) {
    test(`a start, a stop and a slow teardown, in order, to a ${kind} socket`, async () => {
      const { receiver, child } = await startUnderSystemd(kind, {
        startMs: 300,
        steps: [
          { name: 'pool', ms: 200, timeout: 4_000 },
          { name: 'http', ms: 300, phase: 'drain', timeout: 7_000 },
        ],
        options: { startTimeoutMs: 20_000, stopTimeoutMs: 60_000 },
      });
      await child.waitForEvent('running');
      expect((await child.waitForEvent('host')).kind).toBe('systemd');
      await receiver.waitForLine('READY=1');
      child.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      await receiver.waitForLine('ERRNO=0', 300).catch(() => undefined); // nothing more is expected
      // No WATCHDOG_USEC: no pings.
      const lines = receiver.lines;
      expect(lines[0]).toMatch(/^EXTEND_TIMEOUT_USEC=20000000$/);
      expect(lines.slice(1, 3)).toEqual(['STATUS=half way', expect.stringMatching(/^EXTEND_TIMEOUT_USEC=\d+$/)]);
      const progressUsec = Number(lines[2]!.split('=')[1]);
      expect(progressUsec).toBeGreaterThan(19_000_000);
      expect(progressUsec).toBeLessThanOrEqual(20_000_000);
      // Stopping: STOPPING=1 with the first step's wait (drain, 7 s + 1 s margin), then the next step's (4 s + 1 s).
      // EXIT_STATUS= last, on every exit (systemd 254+ reads it, older ones ignore it).
      expect(lines.slice(3)).toEqual(['READY=1', 'STOPPING=1', 'EXTEND_TIMEOUT_USEC=8000000', 'EXTEND_TIMEOUT_USEC=5000000', 'EXIT_STATUS=0']);
      expect(receiver.messages.items.every((m) => m.pid === child.process.pid)).toBe(true);
      expect(child.names.filter((n) => n === 'step')).toHaveLength(2);
    });
  }

  test('the watchdog pings every WATCHDOG_USEC/2, misses pings while the loop stalls, and keeps pinging after STOPPING', async () => {
    const { receiver, child } = await startUnderSystemd('path', {
      stallMs: 700,
      steps: [{ name: 'slow', ms: 600 }],
    }, { WATCHDOG_USEC: '200000', WATCHDOG_PID: '' });
    await child.waitForEvent('running');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill('SIGUSR2');
    await child.waitForEvent('stall-end');
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);

    const pings = receiver.messages.items.filter((m) => m.message === 'WATCHDOG=1').map((m) => m.at / 1e6);
    const gaps = pings.slice(1).map((at, i) => at - pings[i]!);
    const steady = gaps.filter((gap) => gap < 300);
    const sorted = [...steady].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(median).toBeGreaterThan(80);
    expect(median).toBeLessThan(150);
    // The stall: one gap as long as the blocked loop.
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(650);
    // After STOPPING=1 the pings go on while the slow step runs.
    const stoppingAt = receiver.messages.items.find((m) => m.message.includes('STOPPING=1'))!.at / 1e6;
    expect(pings.filter((at) => at > stoppingAt).length).toBeGreaterThanOrEqual(3);
  });

  test('no pings when WATCHDOG_PID names another process', async () => {
    const { receiver, child } = await startUnderSystemd('abstract', {}, { WATCHDOG_USEC: '100000', WATCHDOG_PID: '1' });
    await child.waitForEvent('running');
    await receiver.waitForLine('READY=1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.kill('SIGTERM');
    await child.exited;
    expect(receiver.lines).not.toContain('WATCHDOG=1');
  });

  test('SIGHUP with a reload listener: RELOADING=1 with MONOTONIC_USEC, then READY=1 when the listener is done', async () => {
    const { receiver, child } = await startUnderSystemd('path', { reload: true });
    await child.waitForEvent('running');
    await receiver.waitForLine('READY=1');
    const before = process.hrtime.bigint() / 1000n;
    child.kill('SIGHUP');
    const reloading = await receiver.waitForLine('RELOADING=1');
    const monotonic = BigInt(/MONOTONIC_USEC=(\d+)/.exec(reloading.message)![1]!);
    expect(monotonic).toBeGreaterThanOrEqual(before);
    expect(monotonic).toBeLessThanOrEqual(process.hrtime.bigint() / 1000n);
    await child.waitForEvent('reload-end');
    // The receiver is a process of its own: wait for the reload's READY=1 to reach it, not a fixed 100 ms.
    await receiver.messages.waitFor((m) => m.message === 'READY=1' && m.at > reloading.at, 10_000, 'READY=1 after RELOADING=1');
    const readyAgain = receiver.messages.items.filter((m) => m.message === 'READY=1');
    expect(readyAgain).toHaveLength(2);
    expect(readyAgain[1]!.at).toBeGreaterThan(reloading.at);
    expect(BigInt((await child.waitForEvent('reload-end')).at)).toBeLessThanOrEqual(BigInt(readyAgain[1]!.at));
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });

  test('a start that throws: STATUS= and ERRNO= with the exit code, and the process exits 70', async () => {
    const { receiver, child } = await startUnderSystemd('path', { failStart: 'throw' });
    expect(await child.exited).toEqual({ code: 70, signal: null });
    await receiver.waitForLine('ERRNO=70');
    const last = receiver.messages.items.at(-1)!.message;
    expect(last).toBe('STATUS=start failed: exit code 70\nEXIT_STATUS=70\nERRNO=70');
    expect(receiver.lines).not.toContain('READY=1');
  });

  test('a start that fails with a system error sends its errno (EADDRINUSE = 98)', async () => {
    const { receiver, child } = await startUnderSystemd('abstract', { failStart: 'eaddrinuse' });
    expect((await child.exited).code).toBe(70);
    await receiver.waitForLine('ERRNO=98');
  });

  test('FDSTORE=1 hands a file descriptor to the store with its name', async () => {
    const { receiver, child } = await startUnderSystemd('path', { storeFd: true });
    expect((await child.waitForEvent('stored')).ok).toBe(true);
    const stored = await receiver.waitForLine('FDSTORE=1');
    expect(stored).toMatchObject({ message: 'FDSTORE=1\nFDNAME=stdin-copy', fds: 1, pid: child.process.pid });
    child.kill('SIGTERM');
    await child.exited;
  });

  test.each([
    ['@servicehost-nobody-listens-here', 'ECONNREFUSED'],
    [path.join(os.tmpdir(), `servicehost-no-such-notify-${process.pid}.sock`), 'ENOENT'],
  ])('an unreachable notify socket (%s) is a warning, never a crash, and the status text goes to the log', async (socket, code) => {
    child = new FixtureProcess('lifecycle-service.js', { fixture: { progressCount: 2 }, env: { NOTIFY_SOCKET: socket } });
    await child.waitForEvent('running');
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    // Once, for the first message (EXTEND_TIMEOUT_USEC at start), not once per message.
    expect(child.stderr.split(`sd_notify to ${socket} failed: `)).toHaveLength(2);
    expect(child.stderr).toMatch(new RegExp(`failed: .*${code}.*\\(EXTEND_TIMEOUT_USEC=\\d+\\)`, 'u'));
    // What progress() and status() said reaches the log instead of nowhere.
    for (const text of ['half way', 'step 1', 'step 2']) expect(child.stderr).toContain(text);
  });
});
