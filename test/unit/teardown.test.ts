// Teardown under fake time: order, phases, per-step deadlines, errors.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Teardown, type TeardownStepResult } from '../../lib/lifecycle/teardown';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function never(): Promise<never> {
  return new Promise(() => {});
}

describe('Teardown', () => {
  test('runs drain, then close, then flush; last in, first out within each phase', async () => {
    const teardown = new Teardown();
    const ran: string[] = [];
    const step = (name: string) => () => void ran.push(name);
    teardown.defer('log flush', step('log flush'), { phase: 'flush' });
    teardown.defer('db', step('db'));
    teardown.defer('http', step('http'), { phase: 'drain' });
    teardown.defer('cache', step('cache'), { phase: 'close' });
    teardown.defer('queue consumer', step('queue consumer'), { phase: 'drain' });
    const results = await teardown.run();
    expect(ran).toEqual(['queue consumer', 'http', 'cache', 'db', 'log flush']);
    expect(results.map((r) => [r.name, r.phase, r.outcome])).toEqual([
      ['queue consumer', 'drain', 'ok'],
      ['http', 'drain', 'ok'],
      ['cache', 'close', 'ok'],
      ['db', 'close', 'ok'],
      ['log flush', 'flush', 'ok'],
    ]);
  });

  test('a step that overruns its own timeout is recorded at its deadline, its signal aborts, and the next step runs', async () => {
    const teardown = new Teardown({ stepTimeoutMs: 5_000 });
    let aborted: unknown;
    teardown.defer('second', () => undefined);
    teardown.defer('hangs', ({ signal }) => {
      signal.addEventListener('abort', () => (aborted = signal.reason));
      return never();
    }, { timeout: 2_000 });
    const ended: TeardownStepResult[] = [];
    const run = teardown.run({ onStepEnd: (result) => ended.push(result) });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(ended).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const results = await run;
    expect(results.map((r) => [r.name, r.outcome, r.durationMs])).toEqual([
      ['hangs', 'timed-out', 2_000],
      ['second', 'ok', 0],
    ]);
    expect(aborted).toMatchObject({ code: 'ERR_SERVICEHOST_STEP_TIMEOUT' });
  });

  test('the default step timeout applies when defer() names none', async () => {
    const teardown = new Teardown({ stepTimeoutMs: 300 });
    teardown.defer('hangs', never);
    const run = teardown.run();
    await vi.advanceTimersByTimeAsync(300);
    expect((await run)[0]).toMatchObject({ outcome: 'timed-out', durationMs: 300 });
  });

  test('a step that throws, synchronously or by rejecting, is recorded with its error and the rest still run', async () => {
    const teardown = new Teardown();
    const thrown = new Error('sync');
    const rejected = new Error('async');
    const ran: string[] = [];
    teardown.defer('last', () => void ran.push('last'));
    teardown.defer('rejects', () => Promise.reject(rejected));
    teardown.defer('throws', () => {
      throw thrown;
    });
    const results = await teardown.run();
    expect(results).toMatchObject([
      { name: 'throws', outcome: 'failed', error: thrown },
      { name: 'rejects', outcome: 'failed', error: rejected },
      { name: 'last', outcome: 'ok' },
    ]);
    expect(ran).toEqual(['last']);
  });

  test('a step waits for the promise it returns', async () => {
    const teardown = new Teardown();
    teardown.defer('slow', () => new Promise((resolve) => setTimeout(resolve, 700)));
    const run = teardown.run();
    await vi.advanceTimersByTimeAsync(700);
    expect(await run).toMatchObject([{ outcome: 'ok', durationMs: 700 }]);
  });

  test('a step registered while its phase runs joins it; one for an earlier phase waits for the next run', async () => {
    const teardown = new Teardown();
    const ran: string[] = [];
    teardown.defer('flush', () => void ran.push('flush'), { phase: 'flush' });
    teardown.defer('close-a', () => {
      ran.push('close-a');
      teardown.defer('close-b', () => void ran.push('close-b'));
      teardown.defer('late drain', () => void ran.push('late drain'), { phase: 'drain' });
    });
    await teardown.run();
    expect(ran).toEqual(['close-a', 'close-b', 'flush']);
    expect(teardown.steps.map((s) => s.name)).toEqual(['late drain']);
  });

  test('defer() returns a function that removes the step; nextStep() names what runs first', () => {
    const teardown = new Teardown({ stepTimeoutMs: 1234 });
    teardown.defer('a', () => undefined, { phase: 'flush' });
    const remove = teardown.defer('b', () => undefined, { phase: 'drain', timeout: 50 });
    expect(teardown.nextStep()).toEqual({ name: 'b', phase: 'drain', timeoutMs: 50 });
    remove();
    remove();
    expect(teardown.nextStep()).toEqual({ name: 'a', phase: 'flush', timeoutMs: 1234 });
  });

  test('bad arguments get typed errors', () => {
    const teardown = new Teardown();
    expect(() => teardown.defer('', () => undefined)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => teardown.defer('x', 'close' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => teardown.defer('x', () => undefined, { phase: 'later' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => teardown.defer('x', () => undefined, { timeout: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => teardown.defer('x', () => undefined, { timeout: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new Teardown({ stepTimeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(teardown.steps).toEqual([]);
  });

  test('a step that blocks the event loop past its timeout is timed out, though it returned before its timer could fire', async () => {
    vi.useRealTimers();
    const teardown = new Teardown();
    let aborted: unknown;
    const busy = (ms: number) => ({ signal }: { signal: AbortSignal }) => {
      signal.addEventListener('abort', () => (aborted = signal.reason));
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    teardown.defer('throws late', () => {
      busy(60)({ signal: new AbortController().signal });
      throw new Error('late');
    }, { timeout: 20 });
    teardown.defer('in time', busy(5), { timeout: 1_000 });
    teardown.defer('blocks', busy(60), { timeout: 20 });
    const results = await teardown.run();
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['blocks', 'timed-out'],
      ['in time', 'ok'],
      ['throws late', 'timed-out'],
    ]);
    expect(results[0]!.durationMs).toBeGreaterThanOrEqual(60);
    expect(aborted).toMatchObject({ code: 'ERR_SERVICEHOST_STEP_TIMEOUT' });
  });

  test('run({ signal, onStepStart }): each step is announced as it starts, and none starts once the signal aborted', async () => {
    const teardown = new Teardown();
    const ended = new AbortController();
    const started: string[] = [];
    teardown.defer('flush', () => undefined, { phase: 'flush' });
    teardown.defer('second', () => undefined);
    teardown.defer('first', () => ended.abort(), { timeout: 1_234 });
    const results = await teardown.run({ signal: ended.signal, onStepStart: (step) => started.push(`${step.name}/${step.phase}/${step.timeoutMs}`) });
    expect(started).toEqual(['first/close/1234']);
    expect(results.map((r) => r.name)).toEqual(['first']);
    expect(teardown.steps.map((step) => step.name)).toEqual(['flush', 'second']);
  });

  test("a failed step's error is the value thrown, and JSON.stringify of the result describes it, whatever it is", async () => {
    const teardown = new Teardown();
    const cycle: Record<string, unknown> = { name: 'CycleError', message: 'a cycle' };
    cycle.self = cycle;
    teardown.defer('bigint', () => Promise.reject(10n));
    teardown.defer('cycle', () => {
      throw cycle;
    });
    const results = await teardown.run();
    expect(results[0]).toEqual({ name: 'cycle', phase: 'close', outcome: 'failed', durationMs: expect.any(Number), error: cycle });
    expect(results[1]!.error).toBe(10n);
    expect(JSON.parse(JSON.stringify(results))).toEqual([
      { name: 'cycle', phase: 'close', outcome: 'failed', durationMs: expect.any(Number), error: { name: 'CycleError', message: 'a cycle' } },
      { name: 'bigint', phase: 'close', outcome: 'failed', durationMs: expect.any(Number), error: { name: 'bigint', message: '10' } },
    ]);
    expect(Object.keys(results[0]!)).toEqual(['name', 'phase', 'outcome', 'durationMs', 'error']);
  });
});
