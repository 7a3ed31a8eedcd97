// The health handler's check runs, without a network: one run of a check in
// flight, stale answers while a timed-out run goes on, a fresh run once it
// settles, errors out of the body unless showErrors, and the log told once
// per change. test/linux/health-in-flight.test.ts does the same over HTTP.
import { describe, expect, test } from 'vitest';
import { createHealthHandler, type HealthCheck, type HealthHandlerOptions } from '../../lib/lifecycle/health';
import { recordingLogger } from './helpers/recording-host';

const running = { state: 'running' as const, ready: true, live: true, stopping: false, reasons: [] };

function probe(handler: ReturnType<typeof createHealthHandler>): Promise<{ status: number; body: { checks: Record<string, { status: string; stale?: boolean; details?: unknown; error?: string }> } }> {
  return new Promise((resolve) => {
    let status = 0;
    const response = {
      destroyed: false,
      headersSent: false,
      writeHead: (code: number) => (status = code),
      end: (text: string) => resolve({ status, body: JSON.parse(text) }),
    };
    handler({ url: '/readyz', method: 'GET' } as never, response as never);
  });
}

function handlerWith(checks: Record<string, HealthCheck>, options: HealthHandlerOptions = {}) {
  const log = recordingLogger();
  return { log, handler: createHealthHandler({ health: () => running, log }, { checks, ...options }) };
}

describe('health checks', () => {
  test('a check past its timeout that goes on: no second run until it settles, stale answers meanwhile, then a fresh run', async () => {
    let calls = 0;
    let finish!: () => void;
    const { handler } = handlerWith({ hung: () => ((calls += 1), new Promise<void>((resolve) => (finish = resolve))) }, { checkTimeoutMs: 20 });
    const first = await probe(handler);
    expect(first.body.checks.hung).toMatchObject({ status: 'timed-out' });
    expect(first.body.checks.hung?.stale).toBeUndefined();
    for (let i = 0; i < 5; i += 1) {
      const again = await probe(handler);
      expect(again.status).toBe(503);
      expect(again.body.checks.hung).toMatchObject({ status: 'timed-out', stale: true });
    }
    expect(calls).toBe(1);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    // Settled: the next probe runs it again, and this time it is quick enough.
    const fresh = await probe(handler);
    expect(calls).toBe(2);
    expect(fresh.body.checks.hung?.stale).toBeUndefined();
  });

  test('probes during a run share it', async () => {
    let calls = 0;
    const { handler } = handlerWith({ slow: () => ((calls += 1), new Promise((resolve) => setTimeout(() => resolve('done'), 30))) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => probe(handler)));
    expect(calls).toBe(1);
    expect(answers.every((answer) => answer.status === 200 && answer.body.checks.slow?.details === 'done')).toBe(true);
  });

  test('the error is out of the body by default and in it with showErrors: true; the log gets it once per change, and the recovery', async () => {
    let error: Error | undefined = new Error('password=hunter2');
    const check = () => {
      if (error) throw error;
      return 'ok';
    };
    const quiet = handlerWith({ db: check });
    for (let i = 0; i < 3; i += 1) expect((await probe(quiet.handler)).body.checks.db).toEqual({ status: 'failed', durationMs: expect.any(Number) });
    error = new Error('another failure');
    await probe(quiet.handler);
    error = undefined;
    expect((await probe(quiet.handler)).status).toBe(200);
    expect(quiet.log.lines).toEqual(['warn: health check "db" failed: password=hunter2', 'warn: health check "db" failed: another failure', 'info: health check "db" passes again']);

    error = new Error('password=hunter2');
    expect((await probe(handlerWith({ db: check }, { showErrors: true }).handler)).body.checks.db).toMatchObject({ status: 'failed', error: 'password=hunter2' });
  });
});
