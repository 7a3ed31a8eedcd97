// Issue 21, the health endpoints over real HTTP: a failing check's message
// stays out of the body unless showErrors: true (the log gets it either way),
// and a check that ignores its abort signal runs at most once at a time however
// many probes arrive; probes meanwhile get its last result, marked stale.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { RecordingHost, recordingLogger } from '../unit/helpers/recording-host';
// serveHealth loads its server on first use (require): the built package has it.
import { Service } from '../../dist/lifecycle/service';

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path, agent }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
      .on('error', reject)
      .end();
  });
}

async function started() {
  const logger = recordingLogger();
  const service = new Service({ host: new RecordingHost(), logger, handleUncaughtErrors: false });
  await service.start();
  return { service, logger };
}

describe('health checks under load', () => {
  test('a check that never settles and ignores its signal: one invocation for a flood of probes, answered from its last result (stale)', async () => {
    const { service } = await started();
    let invocations = 0;
    const served = await service.serveHealth({ port: 0, host: '127.0.0.1', checkTimeoutMs: 100, checks: { hung: () => ((invocations += 1), new Promise(() => {})) } });
    const { port } = served.address() as AddressInfo;
    try {
      const until = Date.now() + 1_500;
      const bodies: { status: number; body: string }[] = [];
      let probes = 0;
      // 16 probers back to back for 1.5 s: many times the 100 ms timeout.
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (Date.now() < until) {
            bodies.push(await get(port, '/readyz'));
            probes += 1;
          }
        }),
      );
      expect(probes).toBeGreaterThan(50);
      expect(invocations).toBe(1);
      expect(bodies.every((answer) => answer.status === 503)).toBe(true);
      const last = JSON.parse(bodies.at(-1)!.body);
      expect(last.checks.hung).toMatchObject({ status: 'timed-out', stale: true });
    } finally {
      await service.stop();
    }
  });

  test('a slow check that outlives its timeout: never two runs at once, and a fresh run once it settles', async () => {
    const { service } = await started();
    let running = 0;
    let most = 0;
    let invocations = 0;
    const slow = async () => {
      invocations += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 250));
      running -= 1;
      return 'late';
    };
    const served = await service.serveHealth({ port: 0, host: '127.0.0.1', checkTimeoutMs: 50, liveChecks: { slow } });
    const { port } = served.address() as AddressInfo;
    try {
      const until = Date.now() + 1_200;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (Date.now() < until) await get(port, '/healthz');
        }),
      );
      expect(most).toBe(1);
      // Each run takes 250 ms: a new one starts only after the last settled.
      expect(invocations).toBeGreaterThanOrEqual(2);
      expect(invocations).toBeLessThanOrEqual(6);
    } finally {
      await service.stop();
    }
  });

  test("a failing check's message stays out of the body by default, reaches the service's log once, and showErrors: true puts it in", async () => {
    const { service, logger } = await started();
    const secret = 'connect ECONNREFUSED postgres://app:hunter2@10.0.0.5/db';
    const checks = { db: () => Promise.reject(new Error(secret)) };
    const quiet = await service.serveHealth({ port: 0, host: '127.0.0.1', checks });
    const open = await service.serveHealth({ port: 0, host: '127.0.0.1', checks, showErrors: true });
    try {
      for (let probe = 0; probe < 3; probe += 1) {
        const answer = await get((quiet.address() as AddressInfo).port, '/readyz');
        expect(answer.status).toBe(503);
        expect(answer.body).not.toContain('hunter2');
        expect(JSON.parse(answer.body).checks.db).toEqual({ status: 'failed', durationMs: expect.any(Number) });
      }
      const shown = await get((open.address() as AddressInfo).port, '/readyz');
      expect(JSON.parse(shown.body).checks.db).toMatchObject({ status: 'failed', error: secret });
      // One line per handler while the failure stays the same, not one per probe.
      expect(logger.lines.filter((line) => line === `warn: health check "db" failed: ${secret}`)).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });
});
