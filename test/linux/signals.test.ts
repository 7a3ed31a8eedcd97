// The posix host with real signals sent to a real child process.
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';

let child: FixtureProcess | undefined;
afterEach(() => {
  reap(child);
  child = undefined;
});

function run(fixture: object = {}): FixtureProcess {
  child = new FixtureProcess('lifecycle-service.js', { fixture });
  return child;
}

describe.runIf(process.platform !== 'win32')('signals under the posix host', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} stops: the stop event names it, teardown runs, exit 0`, async () => {
      const service = run({ steps: [{ name: 'db', ms: 100 }] });
      expect((await service.waitForEvent('host')).kind).toBe('posix');
      await service.waitForEvent('running');
      service.kill(signal);
      expect(await service.exited).toEqual({ code: 0, signal: null });
      expect(await service.waitForEvent('stop')).toMatchObject({ reason: 'signal', detail: signal });
      expect((await service.waitForEvent('stopped')).steps).toEqual(['db:ok']);
    });
  }

  test('SIGHUP stops a service with no reload listener', async () => {
    const service = run();
    await service.waitForEvent('running');
    service.kill('SIGHUP');
    expect((await service.exited).code).toBe(0);
    expect(await service.waitForEvent('stop')).toMatchObject({ reason: 'signal', detail: 'SIGHUP' });
  });

  test('SIGHUP reloads a service that listens for reload, and it keeps running', async () => {
    const service = run({ reload: true });
    await service.waitForEvent('running');
    service.kill('SIGHUP');
    await service.waitForEvent('reload-end');
    expect(service.names).not.toContain('stop');
    service.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });

  test('a second SIGINT during a slow teardown ends the process at once with 74', async () => {
    const service = run({ steps: [{ name: 'slow', ms: 30_000, timeout: 60_000 }] });
    await service.waitForEvent('running');
    service.kill('SIGINT');
    await service.waitForEvent('step');
    service.kill('SIGINT');
    expect(await service.exited).toEqual({ code: 74, signal: null });
    expect(service.stderr).toMatch(/second stop request \(SIGINT\): ending now/);
  });

  test('forceOnSecondStop: false lets the teardown finish through a second SIGINT', async () => {
    // SIGINT is interactive: by default its repeat forces 74 (the test above), so only the option keeps the teardown.
    const service = run({ steps: [{ name: 'slow', ms: 400 }], options: { forceOnSecondStop: false } });
    await service.waitForEvent('running');
    service.kill('SIGINT');
    await service.waitForEvent('step');
    service.kill('SIGINT');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect((await service.waitForEvent('stopped')).steps).toEqual(['slow:ok']);
    expect(service.stderr).toMatch(/stop request \(SIGINT\) while stopping: the teardown goes on/);
  });

  test('teardown past stopTimeoutMs is ended with 73, even with an application timer still running', async () => {
    const service = run({ keepBusy: true, steps: [{ name: 'stuck', ms: 60_000, timeout: 60_000 }], options: { stopTimeoutMs: 500 } });
    await service.waitForEvent('running');
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 73, signal: null });
    expect(service.stderr).toMatch(/teardown passed its 500 ms deadline/);
  });

  test('after stop the process ends, though the application still holds a timer', async () => {
    const service = run({ keepBusy: true });
    await service.waitForEvent('running');
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  test('a service with nothing else to do keeps running until it is stopped', async () => {
    const service = run();
    await service.waitForEvent('running');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.process.exitCode).toBeNull();
    service.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });

  test('other signals are left alone: the application\'s own SIGUSR2 handler runs and the service goes on', async () => {
    const service = run();
    await service.waitForEvent('running');
    service.kill('SIGUSR2');
    await service.waitForEvent('usr2');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(service.names).not.toContain('stop');
    service.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });

  for (const kind of ['exception', 'rejection'] as const) {
    test(`an uncaught ${kind} runs the teardown, then exits with 75`, async () => {
      const service = run({ uncaught: kind, steps: [{ name: 'db', ms: 50 }] });
      expect(await service.exited).toEqual({ code: 75, signal: null });
      expect(await service.waitForEvent('stop')).toMatchObject({ reason: 'error' });
      expect((await service.waitForEvent('stopped')).steps).toEqual(['db:ok']);
      expect(service.stderr).toMatch(kind === 'exception' ? /uncaught exception: Error: boom/ : /unhandled rejection: Error: rejected/);
    });
  }

  test('a start that throws tears down and exits with 70; one that overruns, with 71', async () => {
    const failing = run({ failStart: 'throw', steps: [{ name: 'pool', ms: 10 }] });
    expect((await failing.exited).code).toBe(70);
    expect((await failing.waitForEvent('stopped')).steps).toEqual(['pool:ok']);
    expect(failing.names).not.toContain('running');
    const slow = run({ startMs: 5_000, options: { startTimeoutMs: 300 } });
    expect((await slow.exited).code).toBe(71);
    expect(slow.stderr).toMatch(/start did not finish within 300 ms/);
  });

  test('SIGTERM during start waits for start to settle, then tears down; the service never reports running', async () => {
    // A start of 2 s: the SIGTERM, sent 150 ms after the Service exists, lands inside it even when a
    // loaded machine is slow to read the child's line and send the signal.
    const service = run({ startMs: 2_000, steps: [{ name: 'db', ms: 10 }] });
    await service.waitForEvent('host');
    await new Promise((resolve) => setTimeout(resolve, 150));
    service.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    expect(service.names).not.toContain('running');
    const stop = await service.waitForEvent('stop');
    const stopping = await service.waitForEvent('state', (e) => e.state === 'stopping');
    // Teardown began only after the start callback was over: about 1.85 s after the stop, less a late
    // signal's delay; within moments of it if the teardown did not wait.
    expect(Number(BigInt(stopping.at) - BigInt(stop.at)) / 1e6).toBeGreaterThan(300);
  });

  test('stopSignals: ["SIGUSR2"] stops on SIGUSR2 (nodemon), and SIGTERM is left to Node: it kills the process', async () => {
    const mapped = run({ options: { stopSignals: ['SIGUSR2'] }, steps: [{ name: 'db', ms: 50 }] });
    await mapped.waitForEvent('running');
    mapped.kill('SIGUSR2');
    expect(await mapped.exited).toEqual({ code: 0, signal: null });
    expect(await mapped.waitForEvent('stop')).toMatchObject({ reason: 'signal', detail: 'SIGUSR2' });
    expect((await mapped.waitForEvent('stopped')).steps).toEqual(['db:ok']);

    const unowned = run({ options: { stopSignals: ['SIGUSR2'] }, steps: [{ name: 'db', ms: 50 }] });
    await unowned.waitForEvent('running');
    unowned.kill('SIGTERM');
    expect(await unowned.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(unowned.names).not.toContain('stop');
  });

  test('reloadSignals: ["SIGUSR2"] reloads on SIGUSR2; SIGHUP, now owned by no list, is left to Node', async () => {
    const service = run({ reload: true, options: { reloadSignals: ['SIGUSR2'] } });
    await service.waitForEvent('running');
    service.kill('SIGUSR2');
    await service.waitForEvent('reload-end');
    expect(service.names).not.toContain('stop');
    service.kill('SIGHUP');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGHUP' });
    expect(service.names).not.toContain('stop');
  });

  test('dispose() gives the process back: nothing holds it, and SIGTERM is Node\'s again', async () => {
    const service = run({ dispose: true });
    await service.waitForEvent('disposed');
    // Its last timer runs, then it ends by itself: no stop, no teardown.
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.names).toContain('still-here');
    expect(service.names).not.toContain('stopped');

    const held = run({ dispose: true, keepBusy: true });
    await service.waitForEvent('disposed');
    await held.waitForEvent('disposed');
    held.kill('SIGTERM');
    expect(await held.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
