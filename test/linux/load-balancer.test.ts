// Behind a load balancer that probes readiness every 200 ms, under keep-alive
// load: with drainDelayMs at least the probe interval no request fails; with
// none, the requests routed between the SIGTERM and the next probe fail, all
// within that one interval: docs/lifecycle.md says so ("Behind a load
// balancer: `drainDelayMs`"), from the figures in BENCHMARKS.md ("2026-12-02,
// Linux: a stop behind a load balancer").
import { describe, expect, test } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { emulateLoadBalancer } = require('./fixtures/load-balancer.js') as {
  emulateLoadBalancer(options: { drainDelayMs: number; probeIntervalMs?: number }): Promise<{
    ok: number;
    rerouted: number;
    failures: { afterStopMs: number; error: string }[];
    unroutedAt: number | undefined;
    exitCode: number | null;
    stopToExitMs: number;
    stderr: string;
  }>;
};

const PROBE_MS = 200;

describe.runIf(process.platform !== 'win32')('an emulated load balancer, probing /readyz every 200 ms', () => {
  test('drainDelayMs 500 (more than one probe interval): not one request fails, and the process exits 0 after the delay', async () => {
    const run = await emulateLoadBalancer({ drainDelayMs: 500, probeIntervalMs: PROBE_MS });
    expect(run.failures, run.stderr).toEqual([]);
    expect(run.ok).toBeGreaterThan(100);
    // The balancer saw 503 within one interval and sent the rest elsewhere.
    expect(run.unroutedAt).toBeLessThanOrEqual(PROBE_MS + 100);
    expect(run.rerouted).toBeGreaterThan(0);
    expect(run.exitCode).toBe(0);
    expect(run.stopToExitMs).toBeGreaterThanOrEqual(500);
  });

  test('drainDelayMs 0: the requests routed before the next probe fail, every one within one probe interval of the SIGTERM', async () => {
    const run = await emulateLoadBalancer({ drainDelayMs: 0, probeIntervalMs: PROBE_MS });
    expect(run.failures.length, JSON.stringify(run)).toBeGreaterThan(0);
    for (const failure of run.failures) expect(failure.afterStopMs).toBeLessThanOrEqual(PROBE_MS + 100);
    expect(run.exitCode).toBe(0);
  });
});
