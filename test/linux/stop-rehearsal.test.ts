// The stop path is rehearsed while the service idles, before any stop: an
// idle service's event loop sleeps until the signal, so a rehearsal that
// waited for the loop's next wake-up (an unref'd immediate) would only ever
// run after the stop, too late to help (BENCHMARKS.md, "Signal-to-listener latency").
import { describe, expect, test } from 'vitest';
import { STOP_REHEARSALS } from '../../lib/lifecycle/stop';
import { FixtureProcess } from './harness/child';

describe('stop rehearsal', () => {
  test('runs in an idle service, before the stop, and the stop then happens exactly once', async () => {
    const child = new FixtureProcess('rehearsal-service.js');
    await child.waitForEvent('state', (event) => event.state === 'running');
    // Idle: nothing but the keep-alive timer is left to wake the loop. The service's part is the
    // rehearsal's last line (after every host delivery): waited for, not a fixed time a loaded machine outlasts.
    await child.waitForEvent('rehearsed', (event) => event.part === 'service');
    const parts = () => child.events.items.filter((event) => event.event === 'rehearsed').map((event) => event.part);
    // The host's signal handler (once a delivery: enough runs for V8's feedback), and Service's stop path once.
    expect(parts().filter((part) => part === 'service')).toHaveLength(1);
    expect(STOP_REHEARSALS).toBeGreaterThanOrEqual(8);
    expect(parts().filter((part) => part === 'host').length).toBe(STOP_REHEARSALS);
    const rehearsed = parts().length;
    expect(child.names).not.toContain('stop');
    child.kill('SIGTERM');
    await child.waitForEvent('stop');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.names.filter((name) => name === 'stop')).toHaveLength(1);
    expect(parts()).toHaveLength(rehearsed);
    expect(child.names.lastIndexOf('rehearsed')).toBeLessThan(child.names.indexOf('stop'));
  });
});
