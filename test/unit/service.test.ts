// The lifecycle state machine under fake time, against a recording host.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { exitCodes } from '../../lib/lifecycle/exit-codes';
import { Service, type ServiceOptions } from '../../lib/lifecycle/service';
import { STOP_REHEARSALS } from '../../lib/lifecycle/stop';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function makeService(options: ServiceOptions = {}) {
  const host = new RecordingHost();
  const logger = recordingLogger();
  const service = new Service({ host, logger, handleUncaughtErrors: false, ...options });
  const states: string[] = [];
  service.on('statechange', ({ to }) => states.push(to));
  return { host, logger, service, states };
}

function never(): Promise<never> {
  return new Promise(() => {});
}

/** Lets pending microtasks and immediates run, moving fake time by 1 ms. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1);
}

describe('start', () => {
  test('progress advances the host, then the service runs', async () => {
    const { host, service, states } = makeService({ startTimeoutMs: 10_000 });
    expect(service.state).toBe('starting');
    const started = service.start(async ({ progress }) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      progress('connecting to the database');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      progress();
    });
    await vi.advanceTimersByTimeAsync(2_000);
    await started;
    expect(service.state).toBe('running');
    expect(states).toEqual(['running']);
    expect(host.reports).toEqual([
      { state: 'starting', waitHintMs: 10_000 },
      { state: 'starting', waitHintMs: 9_000 },
      { state: 'starting', waitHintMs: 8_000 },
      { state: 'running' },
    ]);
    expect(host.texts).toEqual(['connecting to the database']);
    expect(service.health()).toEqual({ state: 'running', ready: true, live: true, stopping: false, reasons: [] });
  });

  test('a start that throws runs the teardown and exits with startFailed; start() never resolves', async () => {
    const { host, service, logger } = makeService();
    const closed: string[] = [];
    service.defer('pool', () => void closed.push('pool'));
    let resolved = false;
    void service.start(() => {
      throw new Error('port in use');
    }).then(() => (resolved = true));
    const outcome = await service.stopped;
    await settle();
    expect(outcome).toMatchObject({ reason: 'error', detail: 'start failed', exitCode: exitCodes.startFailed, forced: false });
    expect(closed).toEqual(['pool']);
    expect(resolved).toBe(false);
    expect(host.states).not.toContain('running');
    expect(host.closes).toEqual([{ exitCode: 70, message: 'start failed: exit code 70' }]);
    expect(logger.lines.join('\n')).toMatch(/start failed: Error: port in use/);
  });

  test('a start that overruns startTimeoutMs exits with startTimeout', async () => {
    const { host, service } = makeService({ startTimeoutMs: 3_000 });
    void service.start(never);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(host.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await service.stopped).toMatchObject({ exitCode: exitCodes.startTimeout });
    await settle();
    expect(host.closes[0]!.exitCode).toBe(71);
  });

  test('a failed start tells the host the system errno behind it', async () => {
    const { host, service } = makeService();
    void service.start(() => {
      throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', errno: -98, syscall: 'listen' });
    });
    await service.stopped;
    await settle();
    expect(host.closes).toEqual([{ exitCode: 70, message: 'start failed: exit code 70', errno: 98 }]);
  });

  test('a stop during start waits for start to settle, then tears down without ever running', async () => {
    const { host, service, states } = makeService();
    const order: string[] = [];
    service.defer('close', () => void order.push('teardown'));
    void service.start(async ({ signal }) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      order.push(`start settled, aborted=${signal.aborted}`);
    });
    await vi.advanceTimersByTimeAsync(100);
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM' });
    expect(service.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(399);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await service.stopped;
    expect(order).toEqual(['start settled, aborted=true', 'teardown']);
    expect(outcome).toMatchObject({ reason: 'signal', detail: 'SIGTERM', exitCode: 0 });
    expect(states).toEqual(['stopping', 'stopped']);
  });

  test('start() twice, or after a stop, is refused', async () => {
    const { service } = makeService();
    void service.start();
    expect(() => service.start()).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_HOST_STATE' }));
    const other = makeService().service;
    void other.stop();
    expect(() => other.start()).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_STOPPED' }));
  });
});

describe('stop', () => {
  async function running(options: ServiceOptions = {}) {
    const made = makeService(options);
    await made.service.start();
    return made;
  }

  test('teardown steps advance the host with a wait hint for the next step; the outcome is 0', async () => {
    const { host, service, states } = await running({ stopTimeoutMs: 60_000 });
    service.defer('flush logs', () => new Promise((r) => setTimeout(r, 100)), { phase: 'flush', timeout: 2_000 });
    service.defer('db', () => new Promise((r) => setTimeout(r, 300)), { timeout: 5_000 });
    service.defer('http', () => new Promise((r) => setTimeout(r, 200)), { phase: 'drain', timeout: 8_000 });
    const events: unknown[] = [];
    service.on('stop', (event) => events.push(event));
    host.reports.length = 0;
    host.deliver({ type: 'stop', reason: 'scm-stop' });
    expect(service.signal.aborted).toBe(true);
    expect(events).toEqual([{ reason: 'scm-stop' }]);
    await vi.advanceTimersByTimeAsync(600);
    const outcome = await service.stopped;
    expect(host.reports).toEqual([
      { state: 'stopping', waitHintMs: 9_000 },
      { state: 'stopping', waitHintMs: 6_000 },
      { state: 'stopping', waitHintMs: 3_000 },
    ]);
    expect(outcome).toMatchObject({ reason: 'scm-stop', exitCode: 0, forced: false, durationMs: 600 });
    expect(outcome.steps.map((s) => [s.name, s.outcome, s.durationMs])).toEqual([
      ['http', 'ok', 200],
      ['db', 'ok', 300],
      ['flush logs', 'ok', 100],
    ]);
    expect(states).toEqual(['running', 'stopping', 'stopped']);
    expect(host.closes).toEqual([]);
    await settle();
    expect(host.closes).toEqual([{ exitCode: 0 }]);
  });

  test('a failing or overrunning step is logged, the rest run, and the outcome is teardownFailed', async () => {
    const { service, logger } = await running();
    const ran: string[] = [];
    service.defer('last', () => void ran.push('last'));
    service.defer('hangs', never, { timeout: 1_000 });
    service.defer('throws', () => {
      throw new Error('disk gone');
    });
    void service.stop('deploy');
    await vi.advanceTimersByTimeAsync(1_000);
    const outcome = await service.stopped;
    expect(outcome).toMatchObject({ reason: 'programmatic', detail: 'deploy', exitCode: exitCodes.teardownFailed });
    expect(outcome.steps.map((s) => s.outcome)).toEqual(['failed', 'timed-out', 'ok']);
    expect(ran).toEqual(['last']);
    expect(logger.lines.join('\n')).toMatch(/"throws" failed: Error: disk gone[\s\S]*"hangs" overran/);
  });

  test('passing stopTimeoutMs ends the process at the deadline with stopTimeout', async () => {
    const { host, service } = await running({ stopTimeoutMs: 5_000, stepTimeoutMs: 4_000 });
    service.defer('b', never);
    service.defer('a', never);
    void service.stop();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(host.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await service.stopped;
    expect(outcome).toMatchObject({ exitCode: exitCodes.stopTimeout, forced: true });
    // 'a' overran its own 4 s; 'b', under way at the deadline, is left undone: timed out after 1 s.
    expect(outcome.steps.map((s) => [s.name, s.outcome, s.durationMs])).toEqual([['a', 'timed-out', 4_000], ['b', 'timed-out', 1_000]]);
    await settle();
    expect(host.closes).toEqual([{ exitCode: 73, message: 'programmatic: exit code 73' }]);
    // The teardown's late end changes nothing.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host.closes).toHaveLength(1);
  });

  test('a second interactive stop (SIGINT) during teardown ends the process at once with forced', async () => {
    const { host, service, logger } = await running();
    service.defer('slow', never, { timeout: 20_000 });
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true });
    await vi.advanceTimersByTimeAsync(1_000);
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true });
    expect(await service.stopped).toMatchObject({ reason: 'signal', exitCode: exitCodes.forced, forced: true, steps: [] });
    await settle();
    expect(host.closes).toEqual([{ exitCode: 74, message: 'SIGINT: exit code 74' }]);
    expect(logger.lines.join('\n')).toMatch(/second stop request \(SIGINT\)/);
  });

  test('a repeated SIGTERM or SCM stop is logged and ignored: the teardown finishes, bounded by its deadline', async () => {
    const { host, service, logger } = await running();
    service.defer('slow', () => new Promise((r) => setTimeout(r, 3_000)));
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
    await vi.advanceTimersByTimeAsync(1_000);
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
    host.deliver({ type: 'stop', reason: 'scm-stop' });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await service.stopped).toMatchObject({ detail: 'SIGTERM', exitCode: 0, forced: false });
    expect(logger.lines.filter((line) => /while stopping: the teardown goes on/.test(line))).toHaveLength(2);
  });

  test('an interactive stop after a SIGTERM still forces; a SIGTERM after SIGINT does not', async () => {
    const forced = await running();
    forced.service.defer('slow', never, { timeout: 20_000 });
    forced.host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
    forced.host.deliver({ type: 'stop', reason: 'console', detail: 'ctrl-c', interactive: true });
    expect(await forced.service.stopped).toMatchObject({ exitCode: exitCodes.forced });
    const kept = await running();
    kept.service.defer('slow', () => new Promise((r) => setTimeout(r, 500)));
    kept.host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true });
    kept.host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
    await vi.advanceTimersByTimeAsync(500);
    expect(await kept.service.stopped).toMatchObject({ exitCode: 0 });
  });

  test('with forceOnSecondStop: false a second interactive stop is ignored and teardown finishes', async () => {
    // Interactive (SIGINT, Ctrl-C): the only repeat that forces by default, so the option is what keeps it.
    const { host, service, logger } = await running({ forceOnSecondStop: false });
    service.defer('slow', () => new Promise((r) => setTimeout(r, 3_000)));
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true });
    await vi.advanceTimersByTimeAsync(1_000);
    host.deliver({ type: 'stop', reason: 'console', detail: 'ctrl-c', interactive: true });
    await vi.advanceTimersByTimeAsync(2_000);
    const outcome = await service.stopped;
    expect(outcome).toMatchObject({ detail: 'SIGINT', exitCode: 0, forced: false });
    expect(outcome.steps.map((step) => `${step.name}:${step.outcome}`)).toEqual(['slow:ok']);
    await settle();
    expect(host.closes).toEqual([{ exitCode: 0 }]);
    expect(logger.lines.join('\n')).toMatch(/stop request \(ctrl-c\) while stopping: the teardown goes on/);
  });

  test('programmatic stop twice returns the same outcome and does not force', async () => {
    const { service } = await running();
    const first = service.stop();
    const second = service.stop('again');
    expect(second).toBe(first);
    expect(await first).toMatchObject({ exitCode: 0, forced: false });
  });

  test('stop(error) ends with failed; stop(text, { exitCode }) with the code given', async () => {
    const failing = await running();
    expect(await failing.service.stop(new Error('lost the lease'))).toMatchObject({ reason: 'error', detail: 'lost the lease', exitCode: 76 });
    const chosen = await running();
    expect(await chosen.service.stop('maintenance', { exitCode: 3 })).toMatchObject({ exitCode: 3 });
  });

  test('a host error stops the service with failed', async () => {
    const { host, service } = await running();
    host.deliver({ type: 'error', error: new Error('SCM connection refused') });
    expect(await service.stopped).toMatchObject({ reason: 'error', exitCode: exitCodes.failed });
  });

  test('health turns not-ready the moment stopping begins, and not-live once stopped', async () => {
    const { service } = await running();
    service.defer('slow', () => new Promise((r) => setTimeout(r, 1_000)));
    void service.stop();
    expect(service.health()).toEqual({ state: 'running', ready: false, live: true, stopping: true, reasons: ['stopping'] });
    await settle();
    expect(service.health()).toEqual({ state: 'stopping', ready: false, live: true, stopping: true, reasons: ['stopping'] });
    await vi.advanceTimersByTimeAsync(1_000);
    await service.stopped;
    expect(service.health()).toEqual({ state: 'stopped', ready: false, live: false, stopping: true, reasons: ['stopped'] });
  });

  test('a throwing stop listener is an uncaught exception: the teardown still runs, and the outcome is 75', async () => {
    const thrown: unknown[] = [];
    // vitest's own handler would fail the test: take the error as the process would.
    const vitestHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (error) => thrown.push(error));
    try {
      const host = new RecordingHost();
      const service = new Service({ host, logger: recordingLogger() });
      await service.start();
      service.on('stop', () => {
        throw new Error('listener bug');
      });
      const closed: string[] = [];
      service.defer('pool', () => void closed.push('pool'));
      const outcome = service.stop();
      await settle();
      expect(await outcome).toMatchObject({ exitCode: exitCodes.uncaughtError });
      expect(closed).toEqual(['pool']);
      expect(thrown).toEqual([expect.objectContaining({ message: 'listener bug' })]);
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const handler of vitestHandlers) process.on('uncaughtException', handler);
    }
  });
});

describe('stop rehearsal', () => {
  test('runs Service\'s own stop path once while idle, and nothing happens', async () => {
    const { host, service } = makeService();
    const stops: unknown[] = [];
    service.on('stop', (event) => stops.push(event));
    await service.start();
    await settle();
    expect(stops).toEqual([]);
    expect(service.state).toBe('running');
    expect(service.signal.aborted).toBe(false);
    expect(host.states).toEqual(['starting', 'running']);
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM' });
    expect(stops).toEqual([{ reason: 'signal', detail: 'SIGTERM' }]);
    await service.stopped;
    await settle();
    expect(host.closes).toEqual([expect.objectContaining({ exitCode: 0 })]);
  });

  test('runs the host\'s own stop delivery through the service\'s delivery path, STOP_REHEARSALS times: the stop the host says, and nothing happens', async () => {
    const seen: unknown[] = [];
    const record = (message: unknown) => seen.push(message);
    subscribe('servicehost:stop-rehearsal', record);
    try {
      // The host knows what its stop looks like; the lifecycle names no signal.
      const host = new (class extends RecordingHost {
        rehearsals = 0;
        rehearseStop(): void {
          this.rehearsals += 1;
          this.deliver({ type: 'stop', reason: 'signal', detail: 'SIGUSR2', interactive: false });
        }
      })();
      const service = new Service({ host, logger: recordingLogger(), handleUncaughtErrors: false });
      const stops: unknown[] = [];
      service.on('stop', (event) => stops.push(event));
      // The path past the emit runs on a stop path of its own: none of this service's steps, reports or close.
      const closed: string[] = [];
      service.defer('pool', () => void closed.push('pool'));
      await service.start();
      await settle();
      await settle();
      expect(closed).toEqual([]);
      expect(host.reports).toEqual([{ state: 'starting', waitHintMs: 60_000 }, { state: 'running' }]);
      expect(host.closes).toEqual([]);
      expect(service.signal.aborted).toBe(false);
      expect(host.rehearsals).toBe(STOP_REHEARSALS);
      expect(STOP_REHEARSALS).toBeGreaterThanOrEqual(8);
      expect(seen).toEqual([{ part: 'service', reason: 'signal', detail: 'SIGUSR2' }]);
      expect(stops).toEqual([]);
      expect(service.state).toBe('running');
      expect(host.states).toEqual(['starting', 'running']);
    } finally {
      unsubscribe('servicehost:stop-rehearsal', record);
    }
  });

  test('a host without a rehearsal of its own: the service\'s delivery runs with a stop that names no platform', async () => {
    const seen: unknown[] = [];
    const record = (message: unknown) => seen.push(message);
    subscribe('servicehost:stop-rehearsal', record);
    try {
      const { service } = makeService();
      await service.start();
      await settle();
      expect(seen).toEqual([{ part: 'service', reason: 'programmatic', detail: undefined }]);
    } finally {
      unsubscribe('servicehost:stop-rehearsal', record);
    }
  });

  test("leaves the process's listeners as they were: the service's own stay, the rehearsal's go", async () => {
    const events = () => process.eventNames().map((name) => [name, process.listenerCount(name)]);
    const before = events();
    const { service } = makeService({ handleUncaughtErrors: true });
    const added = events();
    try {
      expect(added).not.toEqual(before);
      await service.start();
      await settle();
      await settle();
      expect(events()).toEqual(added);
    } finally {
      service.dispose();
    }
    expect(events()).toEqual(before);
  });

  test('is skipped when the service stopped first', async () => {
    const { service } = makeService();
    const stops: unknown[] = [];
    service.on('stop', (event) => stops.push(event));
    void service.stop('early');
    await settle();
    expect(stops).toEqual([{ reason: 'programmatic', detail: 'early' }]);
  });
});

describe('controls back to back: every one acted on, in order', () => {
  async function pausable(delayMs = 100) {
    const made = makeService();
    await made.service.start();
    const calls: string[] = [];
    made.service.on('pause', () => new Promise((r) => setTimeout(() => r(calls.push('pause')), delayMs)));
    made.service.on('continue', () => new Promise((r) => setTimeout(() => r(calls.push('continue')), delayMs)));
    await settle();
    made.host.reports.length = 0;
    return { ...made, calls };
  }

  test('pause then continue with no wait: paused, then running again; each listener once', async () => {
    const { host, service, calls } = await pausable();
    host.deliver({ type: 'pause', reason: 'scm' });
    host.deliver({ type: 'continue', reason: 'scm' });
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toEqual(['pause', 'continue']);
    expect(host.states).toEqual(['pausing', 'paused', 'continuing', 'running']);
    expect(service.state).toBe('running');
  });

  test('pause, continue, pause, continue: four transitions, in order', async () => {
    const { host, calls } = await pausable();
    for (const type of ['pause', 'continue', 'pause', 'continue'] as const) host.deliver({ type, reason: 'scm' });
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['pause', 'continue', 'pause', 'continue']);
    expect(host.states).toEqual(['pausing', 'paused', 'continuing', 'running', 'pausing', 'paused', 'continuing', 'running']);
  });

  test('pause then stop: the pause listener ran once, the stop wins, nothing reports paused', async () => {
    const { host, service, calls } = await pausable();
    const stops: unknown[] = [];
    service.on('stop', (event) => stops.push(event));
    host.deliver({ type: 'pause', reason: 'scm' });
    host.deliver({ type: 'stop', reason: 'scm-stop' });
    await vi.advanceTimersByTimeAsync(250);
    expect(await service.stopped).toMatchObject({ reason: 'scm-stop', exitCode: 0 });
    expect(calls).toEqual(['pause']);
    expect(stops).toHaveLength(1);
    expect(host.states).not.toContain('paused');
  });

  test('continue while running does nothing; reload waits for a pause to settle', async () => {
    const { host, service, calls } = await pausable();
    const reloads: number[] = [];
    service.on('reload', () => void reloads.push(Date.now()));
    await settle();
    host.reports.length = 0;
    host.deliver({ type: 'continue', reason: 'scm' });
    expect(calls).toEqual([]);
    expect(host.states).toEqual([]);
    host.deliver({ type: 'pause', reason: 'scm' });
    host.deliver({ type: 'continue', reason: 'scm' });
    host.deliver({ type: 'reload', reason: 'scm' });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toEqual(['pause', 'continue']);
    expect(reloads).toHaveLength(1);
    expect(host.states).toEqual(['pausing', 'paused', 'continuing', 'running', 'reloading', 'reloaded']);
  });
});

describe('the host contract', () => {
  test('a host that cannot open (the addon missing from a bundle) is a start failure: logged, torn down, 70; start() never resolves', async () => {
    class BrokenHost extends RecordingHost {
      override open(): void {
        throw Object.assign(new Error('Could not load the servicehost native addon'), { code: 'ERR_SERVICEHOST_NATIVE_LOAD_FAILED' });
      }
    }
    const host = new BrokenHost();
    const logger = recordingLogger();
    const service = new Service({ host, logger, handleUncaughtErrors: false });
    let resolved = false;
    void service.start().then(() => (resolved = true));
    const outcome = await service.stopped;
    await settle();
    expect(outcome).toMatchObject({ reason: 'error', detail: 'the host could not start', exitCode: exitCodes.startFailed });
    expect(host.closes).toEqual([expect.objectContaining({ exitCode: 70 })]);
    expect(logger.lines.join('\n')).toMatch(/the host could not start: Error: Could not load the servicehost native addon/u);
    expect(resolved).toBe(false);
  });

  test('open() gets the deadlines and the logger, and nothing of one platform (the signal lists are the posix hosts\' options)', () => {
    const { host, service } = makeService({ startTimeoutMs: 5_000, stopTimeoutMs: 7_000, stopSignals: ['SIGUSR2'] });
    expect(host.context).toEqual({ startTimeoutMs: 5_000, stopTimeoutMs: 7_000, log: service.log });
  });

  test('the lifecycle picks no host itself: given none, and loaded without the package\'s entry, it says so', () => {
    expect(() => new Service({ handleUncaughtErrors: false })).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_HOST_STATE', message: expect.stringMatching(/no host given/u) }));
  });

  test('the installed stop timeout (SERVICEHOST_STOP_TIMEOUT_MS) is the default, caps a larger option, and leaves the environment', () => {
    process.env.SERVICEHOST_STOP_TIMEOUT_MS = '4000';
    expect(makeService().service.stopTimeoutMs).toBe(4_000);
    expect(process.env.SERVICEHOST_STOP_TIMEOUT_MS).toBeUndefined();
    process.env.SERVICEHOST_STOP_TIMEOUT_MS = '4000';
    expect(makeService({ stopTimeoutMs: 60_000 }).service.stopTimeoutMs).toBe(4_000);
    process.env.SERVICEHOST_STOP_TIMEOUT_MS = '4000';
    expect(makeService({ stopTimeoutMs: 1_000 }).service.stopTimeoutMs).toBe(1_000);
    process.env.SERVICEHOST_STOP_TIMEOUT_MS = 'soon';
    expect(makeService().service.stopTimeoutMs).toBe(30_000);
  });

  test('an event name Service does not have is a typed error, not a listener that never runs', () => {
    const { service } = makeService();
    expect(() => service.on('stpo' as never, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => service.on('stop', 'not a function' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('pause, continue, reload and other controls', () => {
  test('pause and continue pass through their pending states and wait for async listeners', async () => {
    const { host, service, states } = makeService();
    await service.start();
    service.on('pause', () => new Promise((r) => setTimeout(r, 200)));
    service.on('continue', () => new Promise((r) => setTimeout(r, 100)));
    await settle();
    expect([...host.listened].sort()).toEqual(['continue', 'pause', 'stop']);
    host.reports.length = 0;
    host.deliver({ type: 'pause', reason: 'scm' });
    expect(service.state).toBe('pausing');
    await vi.advanceTimersByTimeAsync(200);
    expect(service.state).toBe('paused');
    host.deliver({ type: 'continue', reason: 'scm' });
    await vi.advanceTimersByTimeAsync(100);
    expect(states).toEqual(['running', 'pausing', 'paused', 'continuing', 'running']);
    expect(host.states).toEqual(['pausing', 'paused', 'continuing', 'running']);
  });

  test('a failing pause listener leaves the service running', async () => {
    const { host, service } = makeService();
    await service.start();
    service.on('pause', () => Promise.reject(new Error('cannot pause now')));
    host.deliver({ type: 'pause', reason: 'scm' });
    await settle();
    expect(service.state).toBe('running');
    expect(host.states.slice(-2)).toEqual(['pausing', 'running']);
  });

  test('pause during stop is ignored', async () => {
    const { host, service } = makeService();
    await service.start();
    let paused = false;
    service.on('pause', () => void (paused = true));
    service.defer('slow', () => new Promise((r) => setTimeout(r, 1_000)));
    void service.stop();
    host.deliver({ type: 'pause', reason: 'scm' });
    await vi.advanceTimersByTimeAsync(1_000);
    await service.stopped;
    expect(paused).toBe(false);
    expect(host.states).not.toContain('pausing');
  });

  test('reload reports reloading until its listeners settle, then reloaded', async () => {
    const { host, service } = makeService();
    await service.start();
    service.on('reload', () => new Promise((r) => setTimeout(r, 300)));
    await settle();
    expect(host.listened.has('reload')).toBe(true);
    host.reports.length = 0;
    host.deliver({ type: 'reload', reason: 'scm' });
    expect(host.states).toEqual(['reloading']);
    await vi.advanceTimersByTimeAsync(300);
    expect(host.states).toEqual(['reloading', 'reloaded']);
    expect(service.state).toBe('running');
  });

  test('power, session, custom and other controls reach their listeners with payloads', async () => {
    const { host, service } = makeService();
    const seen: unknown[] = [];
    service.on('custom', (event) => seen.push(event));
    service.on('session', (event) => seen.push(event));
    service.on('power', (event) => seen.push(event));
    service.on('control', (event) => seen.push(event));
    await settle();
    expect([...host.listened].sort()).toEqual(['control', 'custom', 'power', 'session', 'stop']);
    host.deliver({ type: 'custom', code: 200 });
    host.deliver({ type: 'session', eventType: 5, sessionId: 2 });
    host.deliver({ type: 'power', eventType: 10 });
    host.deliver({ type: 'control', control: 'netbindadd', code: 7, eventType: 0 });
    expect(seen).toEqual([
      { type: 'custom', code: 200 },
      { type: 'session', eventType: 5, sessionId: 2 },
      { type: 'power', eventType: 10 },
      { type: 'control', control: 'netbindadd', code: 7, eventType: 0 },
    ]);
  });

  test('status(text) goes to the host; where the host cannot show it, it is kept and logged', () => {
    const { host, service } = makeService();
    service.status('warming caches');
    expect(host.texts).toEqual(['warming caches']);
    expect(service.statusMessage).toBe('warming caches');
    const quiet = new RecordingHost();
    quiet.statusText = () => false;
    const logger = recordingLogger();
    new Service({ host: quiet, logger, handleUncaughtErrors: false }).status('no status line here');
    expect(logger.lines).toEqual([expect.stringMatching(/^info: no status line here$/)]);
  });
});

describe('uncaught errors', () => {
  test('uncaughtException and unhandledRejection run the teardown and exit with uncaughtError; the listeners go at the end', async () => {
    const before = new Set(process.listeners('uncaughtException'));
    const beforeRejection = new Set(process.listeners('unhandledRejection'));
    const { host, service } = makeService({ handleUncaughtErrors: true });
    const ours = process.listeners('uncaughtException').filter((l) => !before.has(l));
    expect(ours).toHaveLength(1);
    expect(process.listeners('unhandledRejection').filter((l) => !beforeRejection.has(l))).toHaveLength(1);
    let closed = false;
    service.defer('db', () => void (closed = true));
    (ours[0] as (error: Error) => void)(new Error('boom'));
    expect(await service.stopped).toMatchObject({ reason: 'error', detail: 'uncaught exception', exitCode: exitCodes.uncaughtError });
    expect(closed).toBe(true);
    await settle();
    expect(host.closes[0]!.exitCode).toBe(75);
    expect(process.listeners('uncaughtException').filter((l) => !before.has(l))).toEqual([]);
    expect(process.listeners('unhandledRejection').filter((l) => !beforeRejection.has(l))).toEqual([]);
  });

  test('opting out installs no process listeners', () => {
    const before = process.listenerCount('uncaughtException');
    makeService({ handleUncaughtErrors: false });
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });
});

describe('resources', () => {
  test('add() closes through asyncDispose, close(cb), end() promise and destroy(), newest first', async () => {
    const { service } = makeService();
    const closed: string[] = [];
    service.add({ [Symbol.asyncDispose]: async () => void closed.push('disposable') });
    service.add({ close: (callback: (error?: Error) => void) => setTimeout(() => (closed.push('close(cb)'), callback()), 50) });
    service.add({ end: async () => void closed.push('end()') });
    service.add({ destroy: (_error?: Error, _callback?: () => void) => void closed.push('destroy()') });
    void service.stop();
    await vi.advanceTimersByTimeAsync(50);
    const outcome = await service.stopped;
    expect(closed).toEqual(['destroy()', 'end()', 'close(cb)', 'disposable']);
    expect(outcome.exitCode).toBe(0);
  });

  test('a close(cb) that reports an error fails its step', async () => {
    const { service } = makeService();
    service.add({ close: (callback: (error?: Error) => void) => callback(new Error('flush failed')) }, { name: 'writer' });
    const outcome = await service.stop();
    expect(outcome.steps).toMatchObject([{ name: 'writer', outcome: 'failed', error: { message: 'flush failed' } }]);
    expect(outcome.exitCode).toBe(exitCodes.teardownFailed);
  });

  test('add() refuses what it cannot close', () => {
    const { service } = makeService();
    expect(() => service.add({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => service.add(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('bad input', () => {
  test('options and arguments are checked with typed errors', () => {
    const host = new RecordingHost();
    const bad = (options: unknown) => () => new Service({ host, handleUncaughtErrors: false, ...(options as object) });
    expect(bad({ stopTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(bad({ startTimeoutMs: '5s' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(bad({ logger: { info() {} } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(bad({ host: { open() {} } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(bad({ name: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => new Service('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const { service } = makeService();
    expect(() => service.start('go' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => service.stop(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => service.stop('x', { exitCode: 256 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => service.status(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(service.state).toBe('starting');
  });
});
