// /healthz and /readyz served by a real http server over real connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { createHealthHandler } from '../../lib/lifecycle/health';
import { Service } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from '../unit/helpers/recording-host';
// serveHealth loads its server on first use (require): the built package has it.
import { Service as BuiltService } from '../../dist/lifecycle/service';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path, method, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
      .on('error', reject)
      .end();
  });
}

describe('the health handler', () => {
  test('200 while running, 503 the moment stopping begins, and other paths pass through', async () => {
    const service = new Service({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false });
    const health = createHealthHandler(service);
    const server = http.createServer((request, response) => {
      if (health(request, response)) return;
      response.end('app');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, '/readyz')).toEqual({ status: 503, body: '{"status":"unavailable","state":"starting","reasons":["starting"]}' });
      await service.start();
      expect(await get(port, '/readyz')).toEqual({ status: 200, body: '{"status":"ok","state":"running"}' });
      const live = await get(port, '/healthz?probe=1');
      expect(live.status).toBe(200);
      expect(JSON.parse(live.body)).toMatchObject({ status: 'ok', state: 'running', loopDelayMs: expect.any(Number) });
      expect(await get(port, '/readyz', 'HEAD')).toEqual({ status: 200, body: '' });
      expect(await get(port, '/other')).toEqual({ status: 200, body: 'app' });

      let release!: () => void;
      service.defer('held', () => new Promise<void>((resolve) => (release = resolve)));
      void service.stop();
      expect((await get(port, '/readyz')).status).toBe(503);
      expect(await get(port, '/healthz')).toMatchObject({ status: 503 });
      release();
      await service.stopped;
    } finally {
      server.close();
    }
  });

  test('express-style next() for other paths, custom paths, and a liveness limit on loop delay', async () => {
    const service = new Service({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false });
    await service.start();
    const health = createHealthHandler(service, { livePath: '/live', readyPath: '/ready', maxLoopDelayMs: 50 });
    let nexts = 0;
    const server = http.createServer((request, response) => {
      if (!health(request, response, () => nexts++)) response.end('next');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect((await get(port, '/ready')).status).toBe(200);
      expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'next' });
      expect(nexts).toBe(1);
      // Block the loop right after the probe starts measuring: liveness fails.
      const pending = get(port, '/live');
      server.once('request', () => {
        const until = Date.now() + 120;
        while (Date.now() < until);
      });
      expect((await pending).status).toBe(503);
      expect((await get(port, '/live')).status).toBe(200);
    } finally {
      server.close();
      await service.stop();
    }
  });

  test('bad arguments get typed errors', () => {
    expect(() => createHealthHandler({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const service = { health: () => ({ state: 'running' as const, ready: true, live: true, stopping: false, reasons: [] }) };
    expect(() => createHealthHandler(service, { livePath: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => createHealthHandler(service, { maxLoopDelayMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  test('custom checks: results in the body, a failure or a timeout makes readiness 503, and showErrors: true shows messages', async () => {
    const service = new BuiltService({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false });
    await service.start();
    let dbUp = true;
    let runs = 0;
    const checks = {
      db: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (!dbUp) throw new Error('connection refused by 10.0.0.5');
        return { pool: 4 };
      },
      queue: () => 'ok',
    };
    const served = await service.serveHealth({ port: 0, host: '127.0.0.1', checks, checkTimeoutMs: 200, showErrors: true });
    const port = (served.address() as AddressInfo).port;
    const hidden = await service.serveHealth({ port: 0, host: '127.0.0.1', checks: { db: checks.db, slow: () => new Promise(() => {}) }, checkTimeoutMs: 100, showErrors: false });
    const hiddenPort = (hidden.address() as AddressInfo).port;
    try {
      const ok = await get(port, '/readyz');
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ status: 'ok', checks: { db: { status: 'ok', details: { pool: 4 } }, queue: { status: 'ok', details: 'ok' } } });
      // Probes that arrive together share one run of each check.
      runs = 0;
      await Promise.all(Array.from({ length: 10 }, () => get(port, '/readyz')));
      expect(runs).toBeLessThan(10);
      dbUp = false;
      const down = await get(port, '/readyz');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body).checks.db).toMatchObject({ status: 'failed', error: 'connection refused by 10.0.0.5' });
      const quiet = await get(hiddenPort, '/readyz');
      expect(quiet.status).toBe(503);
      expect(quiet.body).not.toContain('10.0.0.5');
      expect(JSON.parse(quiet.body).checks.slow).toMatchObject({ status: 'timed-out' });
      // Liveness does not run readiness checks: a lost database restarts nothing.
      expect((await get(port, '/healthz')).status).toBe(200);
      expect(await get(port, '/elsewhere')).toMatchObject({ status: 404 });
      // The port taken: the system's code, as a typed error.
      await expect(service.serveHealth({ port, host: '127.0.0.1' })).rejects.toMatchObject({ code: 'EADDRINUSE', syscall: 'listen' });
      await expect(service.serveHealth({ port: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    } finally {
      await service.stop();
    }
    // The teardown closed both servers.
    expect(served.listening).toBe(false);
    expect(hidden.listening).toBe(false);
  });
});
