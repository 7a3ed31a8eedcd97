// Behind a load balancer: the drain delay before the drain, readiness set by
// the program, and dispose(). Fake time, a recording host; the real signals
// and HTTP probes are in test/linux, the signal lists in posix-host.test.ts.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { exitCodes } from '../../lib/lifecycle/exit-codes';
import { Service, type ServiceOptions } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  delete process.env.KUBERNETES_SERVICE_HOST;
});

function makeService(options: ServiceOptions = {}) {
  const host = new RecordingHost();
  const logger = recordingLogger();
  const service = new Service({ host, logger, handleUncaughtErrors: false, ...options });
  return { host, logger, service };
}

async function running(options: ServiceOptions = {}) {
  const made = makeService(options);
  await made.service.start();
  // The stop rehearsal runs once the service runs: let it pass.
  await vi.advanceTimersByTimeAsync(0);
  const drained: number[] = [];
  made.service.defer('http', () => void drained.push(Date.now()), { phase: 'drain', timeout: 1000 });
  made.host.reports.length = 0;
  return { ...made, drained };
}

const SIGTERM = { type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false } as const;
const SIGINT = { type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true } as const;

describe('drainDelayMs', () => {
  test('on stop, readiness turns at once; the drain waits the delay, which the SCM and systemd are told of', async () => {
    const { host, service, drained } = await running({ drainDelayMs: 3000, stopTimeoutMs: 10_000 });
    const stopAt = Date.now();
    host.deliver(SIGTERM);
    expect(service.health()).toMatchObject({ ready: false, live: true, reasons: ['stopping'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(host.reports[0]).toEqual({ state: 'stopping', waitHintMs: 4000 });
    await vi.advanceTimersByTimeAsync(2999);
    expect(drained).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(drained).toEqual([stopAt + 3000]);
    await vi.advanceTimersByTimeAsync(0);
    // A second report after the delay: progress for the teardown.
    expect(host.reports.filter((report) => report.state === 'stopping').length).toBeGreaterThanOrEqual(2);
    expect((await service.stopped).exitCode).toBe(exitCodes.ok);
  });

  test('the delay counts against stopTimeoutMs: a teardown that overruns what is left ends at the deadline (73)', async () => {
    const { host, service } = await running({ drainDelayMs: 3000, stopTimeoutMs: 4000 });
    service.defer('slow', () => new Promise((resolve) => setTimeout(resolve, 2000)), { timeout: 3000 });
    const stopAt = Date.now();
    host.deliver(SIGTERM);
    const ended = service.stopped.then((value) => ({ ...value, at: Date.now() }));
    await vi.advanceTimersByTimeAsync(5000);
    const outcome = await ended;
    expect(outcome.exitCode).toBe(exitCodes.stopTimeout);
    expect(outcome.at - stopAt).toBe(4000);
  });

  test('a second interactive stop cuts the delay short; a third forces the exit (74)', async () => {
    const { host, service, logger, drained } = await running({ drainDelayMs: 3000, stopTimeoutMs: 10_000 });
    service.defer('stuck', () => new Promise(() => {}), { timeout: 5000 });
    host.deliver(SIGINT);
    await vi.advanceTimersByTimeAsync(100);
    expect(drained).toEqual([]);
    host.deliver(SIGINT);
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toHaveLength(1);
    expect(logger.lines).toContain('warn: ' + `${service.name}: second stop request (SIGINT): the drain starts now`);
    host.deliver(SIGINT);
    await vi.advanceTimersByTimeAsync(0);
    expect((await service.stopped).exitCode).toBe(exitCodes.forced);
  });

  test('a repeated SIGTERM does not cut it (supervisors send two)', async () => {
    const { host, drained } = await running({ drainDelayMs: 3000, stopTimeoutMs: 10_000 });
    host.deliver(SIGTERM);
    await vi.advanceTimersByTimeAsync(100);
    host.deliver(SIGTERM);
    await vi.advanceTimersByTimeAsync(100);
    expect(drained).toEqual([]);
  });

  test('no delay for a stop during start, or for an uncaught error: nothing was routed to it yet, or it cannot serve', async () => {
    const { host, service } = makeService({ drainDelayMs: 3000, stopTimeoutMs: 10_000 });
    let drainedAt: number | undefined;
    service.defer('http', () => void (drainedAt = Date.now()), { phase: 'drain', timeout: 1000 });
    let finishStart!: () => void;
    const start = service.start(() => new Promise<void>((resolve) => (finishStart = resolve)));
    await vi.advanceTimersByTimeAsync(0);
    host.deliver(SIGTERM);
    const stopAt = Date.now();
    finishStart();
    void start.catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(drainedAt).toBe(stopAt);
  });

  test('validation: a delay the stop timeout cannot hold is refused; the Kubernetes default is 5000, halved for a short deadline', () => {
    expect(() => makeService({ drainDelayMs: 10_000, stopTimeoutMs: 10_000 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => makeService({ drainDelayMs: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => makeService({ drainDelayMs: '5000' as unknown as number })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(makeService().service.drainDelayMs).toBe(0);
    process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
    expect(makeService().service.drainDelayMs).toBe(5000);
    expect(makeService({ stopTimeoutMs: 6000 }).service.drainDelayMs).toBe(3000);
    expect(makeService({ drainDelayMs: 0 }).service.drainDelayMs).toBe(0);
  });
});

describe('readiness while running', () => {
  test('setReady(false) and whileNotReady(task) make it not ready, each with its reason, until undone', async () => {
    const { service } = await running();
    expect(service.health()).toMatchObject({ ready: true, reasons: [] });
    service.setReady(false);
    expect(service.health()).toMatchObject({ ready: false, live: true, reasons: ['set-not-ready'] });
    let finish!: (value: string) => void;
    const task = service.whileNotReady(new Promise<string>((resolve) => (finish = resolve)));
    service.setReady(true);
    expect(service.health()).toMatchObject({ ready: false, reasons: ['while-not-ready'] });
    finish('migrated');
    await expect(task).resolves.toBe('migrated');
    expect(service.health()).toMatchObject({ ready: true, reasons: [] });
    // A task that fails gives readiness back too, and its error to the caller.
    await expect(service.whileNotReady(() => Promise.reject(new Error('lost the database')))).rejects.toThrow('lost the database');
    expect(service.health().ready).toBe(true);
    expect(() => service.setReady('no' as unknown as boolean)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  test('paused is not ready, with its reason', async () => {
    const { host, service } = await running();
    service.on('pause', () => {});
    host.deliver({ type: 'pause', reason: 'scm' });
    await vi.advanceTimersByTimeAsync(0);
    expect(service.health()).toMatchObject({ state: 'paused', ready: false, live: true, reasons: ['paused'] });
  });
});

describe('dispose', () => {
  test('dispose() removes the process listeners it added and refuses a start after', async () => {
    const before = ['uncaughtException', 'unhandledRejection'].map((event) => process.listenerCount(event));
    const { service } = makeService({ handleUncaughtErrors: true });
    await service.start();
    expect(['uncaughtException', 'unhandledRejection'].map((event) => process.listenerCount(event))).not.toEqual(before);
    service.dispose();
    service.dispose(); // twice is fine
    expect(['uncaughtException', 'unhandledRejection'].map((event) => process.listenerCount(event))).toEqual(before);
    expect(service.health().live).toBe(false);
    const { service: fresh } = makeService();
    fresh.dispose();
    expect(() => fresh.start()).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_DISPOSED' }));
  });

  test('dispose() while stopping is refused: the stop owns the process until it ends', async () => {
    const { host, service } = await running({ drainDelayMs: 1000, stopTimeoutMs: 5000 });
    host.deliver(SIGTERM);
    expect(() => service.dispose()).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_HOST_STATE' }));
  });
});
