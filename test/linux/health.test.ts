// /healthz and /readyz served by a real http server over real connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { createHealthHandler } from '../../lib/lifecycle/health';
import { Service } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from '../unit/helpers/recording-host';

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
      expect(await get(port, '/readyz')).toEqual({ status: 503, body: '{"status":"unavailable","state":"starting"}' });
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
    const service = { health: () => ({ state: 'running' as const, ready: true, live: true, stopping: false }) };
    expect(() => createHealthHandler(service, { livePath: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => createHealthHandler(service, { maxLoopDelayMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
