// Real service processes, real signals. An uncaught error that comes after the
// teardown finished (a rejecting async 'stop' listener, a rejection in the tick of
// service.stop(), a 'statechange' listener throwing on 'stopped') still ends the
// process with 75, not 0. A stop that arrives while a reload listener runs waits
// for it (within stopTimeoutMs) before the teardown, and the listener's event
// carries a signal that aborts when the stop arrives; a stop the listener itself
// asks for does not wait for it.
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';

let child: FixtureProcess | undefined;
afterEach(() => reap(child));

const names = (process: FixtureProcess) => process.events.items.filter((event) => event.event !== 'log').map((event) => event.event);
const logs = (process: FixtureProcess) => process.events.items.filter((event) => event.event === 'log').map((event) => String(event.text));

describe('an uncaught error after the teardown finished', () => {
  test.each([
    ['stop-listener-rejects', 'unhandled rejection: Error: lost in a stop listener'],
    ['rejection-with-stop', 'unhandled rejection: Error: lost in the tick of stop()'],
    ['stopped-listener-throws', 'uncaught exception: Error: lost in a statechange listener'],
  ])('%s: logged, and the process exits 75', async (mode, logged) => {
    child = new FixtureProcess('late-errors-service.js', { fixture: { mode } });
    await child.waitForEvent('ready');
    if (mode === 'stop-listener-rejects') child.kill('SIGTERM');
    const exit = await child.exited;
    expect({ exit, events: child.events.items, stderr: child.stderr }).toMatchObject({ exit: { code: 75, signal: null } });
    expect(logs(child).join('\n')).toContain(logged);
    expect(child.events.items.find((event) => event.event === 'exit')).toMatchObject({ code: 75 });
  });
});

describe('a stop while a reload listener runs', () => {
  test('SIGTERM waits for the reload listener, whose signal aborts at the stop, then tears down and exits 0', async () => {
    child = new FixtureProcess('late-errors-service.js', { fixture: { mode: 'reload-in-flight', reloadMs: 600 } });
    await child.waitForEvent('ready');
    child.kill('SIGHUP');
    expect(await child.waitForEvent('reload-begins')).toMatchObject({ signalIsAbortSignal: true, aborted: false });
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect({ exit, events: child.events.items, stderr: child.stderr }).toMatchObject({ exit: { code: 0, signal: null } });
    expect(names(child)).toEqual(['ready', 'reload-begins', 'reload-aborted', 'reload-ends', 'step', 'stopped', 'exit']);
    expect(child.events.items.find((event) => event.event === 'reload-aborted')).toMatchObject({ code: 'ERR_SERVICEHOST_STOPPED' });
  });

  test('a reload listener that outlives stopTimeoutMs: the process ends with 73 and the log names it', async () => {
    child = new FixtureProcess('late-errors-service.js', { fixture: { mode: 'reload-in-flight', reloadMs: 60_000, stopTimeoutMs: 800 } });
    await child.waitForEvent('ready');
    child.kill('SIGHUP');
    await child.waitForEvent('reload-begins');
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect({ exit, events: child.events.items }).toMatchObject({ exit: { code: 73, signal: null } });
    expect(names(child)).not.toContain('reload-ends');
    expect(logs(child).join('\n')).toMatch(/deadline.*the reload listeners \(still running\)/u);
  });

  test('a reload listener that awaits service.stop() is not waited for: the stop ends the process at once with 0', async () => {
    child = new FixtureProcess('late-errors-service.js', { fixture: { mode: 'reload-stops-itself', stopTimeoutMs: 20_000 } });
    await child.waitForEvent('ready');
    const sentAt = Date.now();
    child.kill('SIGHUP');
    const exit = await child.exited;
    expect({ exit, events: child.events.items }).toMatchObject({ exit: { code: 0, signal: null } });
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    // The listener's await resumes after the fixture's own `stopped` handler, registered first.
    expect(names(child)).toEqual(['ready', 'step', 'stopped', 'reload-ends', 'exit']);
  });
});
