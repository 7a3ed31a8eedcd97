// The systemd host against what systemd would never send, with a real child
// process and a real AF_UNIX notify receiver: a watchdog timeout beyond the
// timer's range, a NOTIFY_SOCKET it cannot use.
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
});
