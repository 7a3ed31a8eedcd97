// The stop path is rehearsed while the service idles, before any stop: an
// idle service's event loop sleeps until the signal, so a rehearsal that
// waited for the loop's next wake-up (an unref'd immediate) would only ever
// run after the stop, too late to help (BENCHMARKS.md, signal latency).
import { describe, expect, test } from 'vitest';
import { FixtureProcess } from './harness/child';

describe('stop rehearsal', () => {
  test('runs once in an idle service, before the stop, and the stop then happens exactly once', async () => {
    const child = new FixtureProcess('rehearsal-service.js');
    await child.waitForEvent('state', (event) => event.state === 'running');
    // Idle: nothing but the keep-alive timer is left to wake the loop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.names.filter((name) => name === 'rehearsed')).toHaveLength(1);
    expect(child.names).not.toContain('stop');
    child.kill('SIGTERM');
    await child.waitForEvent('stop');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.names.filter((name) => name === 'stop')).toHaveLength(1);
    expect(child.names.filter((name) => name === 'rehearsed')).toHaveLength(1);
    expect(child.names.indexOf('rehearsed')).toBeLessThan(child.names.indexOf('stop'));
  });
});
