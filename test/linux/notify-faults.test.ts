// The systemd host when its notify socket misbehaves, against a real AF_UNIX
// datagram receiver: a burst of progress() into a stalled socket waits as the
// newest EXTEND_TIMEOUT_USEC (not one per call), the failure is told once, and
// a socket that does not exist sends the status text to the log instead.
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

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe.runIf(process.platform === 'linux')('systemd notify faults', () => {
  test('5000 progress() calls into a stalled socket: after the drain a few EXTEND_TIMEOUT_USEC arrive, not 5000; READY=1 last; "busy" told once', async () => {
    receiver = await NotifyReceiver.start('path', { stallMs: 2_000 });
    child = new FixtureProcess('lifecycle-service.js', {
      fixture: { progressCount: 5_000, options: { startTimeoutMs: 20_000 } },
      env: { NOTIFY_SOCKET: receiver.address },
    });
    await child.waitForEvent('running');
    await receiver.waitForLine('READY=1', 10_000);
    const lines = receiver.lines;
    const extensions = lines.filter((line) => line.startsWith('EXTEND_TIMEOUT_USEC='));
    // The kernel's queue (10 datagrams) took the first ones; of the rest only the newest waited.
    expect(extensions.length).toBeGreaterThan(0);
    expect(extensions.length).toBeLessThan(20);
    expect(lines.at(-1)).toBe('READY=1');
    expect(lines.filter((line) => line.startsWith('STATUS=')).at(-1)).toBe('STATUS=step 5000');
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    await receiver.waitForLine('EXIT_STATUS=0', 5_000);
    expect(receiver.lines.slice(-3)).toEqual(['STOPPING=1', expect.stringMatching(/^EXTEND_TIMEOUT_USEC=\d+$/u), 'EXIT_STATUS=0']);
    expect(count(child.stderr, 'is busy; sending again shortly')).toBe(1);
    expect(count(child.stderr, 'works again')).toBe(1);
  });

  test('a NOTIFY_SOCKET that does not exist: one warning, and the progress and status text reach the log', async () => {
    const missing = path.join(os.tmpdir(), `servicehost-no-such-notify-${process.pid}.sock`);
    child = new FixtureProcess('lifecycle-service.js', { fixture: { progressCount: 2 }, env: { NOTIFY_SOCKET: missing } });
    await child.waitForEvent('running');
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(count(child.stderr, `sd_notify to ${missing} failed`)).toBe(1);
    for (const text of ['half way', 'step 1', 'step 2']) expect(child.stderr).toContain(text);
  });
});
