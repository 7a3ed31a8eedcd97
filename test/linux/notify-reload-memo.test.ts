// SERVICEHOST_NOTIFY_RELOAD (a Type=notify-reload unit servicehost wrote) is
// read from the process once and taken out of its environment, so children do
// not take SIGHUP for a reload; it is remembered, so a second Service of the
// process, after the first was disposed, still answers SIGHUP with
// RELOADING=1 and READY=1 and keeps running (a stop before the memo).
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

describe.runIf(process.platform === 'linux')('SERVICEHOST_NOTIFY_RELOAD, remembered', () => {
  test('a second Service after dispose() still answers SIGHUP as the reload, and keeps running', async () => {
    receiver = await NotifyReceiver.start('path');
    child = new FixtureProcess('notify-reload-second.js', { env: { NOTIFY_SOCKET: receiver.address, SERVICEHOST_NOTIFY_RELOAD: '1' } });
    // Taken out of the environment by the first host.
    expect((await child.waitForEvent('first-running')).variable).toBeNull();
    await child.waitForEvent('second-running');
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
