// /healthz and /readyz for the application's own server, as terminus offers
// them: 200 while the service can take work, 503 from the moment stopping
// begins, so load balancers and Kubernetes stop sending traffic before the drain.
import type * as http from 'node:http';
import { ServicehostError } from '../errors';
import type { ServiceHealth } from './service';
import { expectObject, expectString, optionalInteger } from '../validate';

export interface HealthHandlerOptions {
  /** Liveness path. Default '/healthz'. */
  livePath?: string;
  /** Readiness path. Default '/readyz'. */
  readyPath?: string;
  /** Liveness fails when a turn of the event loop takes longer than this. Default 1000. */
  maxLoopDelayMs?: number;
}

/** The handler: answers its two paths and returns true, or returns false (calls `next` if given) for any other. */
export type HealthHandler = (request: http.IncomingMessage, response: http.ServerResponse, next?: () => void) => boolean;

/** Time for one turn of the event loop, measured on demand: nothing runs between probes. */
export function measureLoopDelay(): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - started) / 1e6)));
}

export function createHealthHandler(source: { health(): ServiceHealth }, options: HealthHandlerOptions = {}): HealthHandler {
  if (typeof source !== 'object' || source === null || typeof source.health !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'createHealthHandler(service): service must have a health() method');
  }
  const checked = expectObject('createHealthHandler(service, options): options', options);
  const livePath = checked.livePath === undefined ? '/healthz' : expectString('createHealthHandler: options.livePath', checked.livePath, { nonEmpty: true });
  const readyPath = checked.readyPath === undefined ? '/readyz' : expectString('createHealthHandler: options.readyPath', checked.readyPath, { nonEmpty: true });
  const maxLoopDelayMs = optionalInteger('createHealthHandler: options.maxLoopDelayMs', checked.maxLoopDelayMs, 1, 2 ** 31 - 1) ?? 1_000;

  return (request, response, next) => {
    const pathname = (request.url ?? '').split('?')[0];
    if (pathname !== livePath && pathname !== readyPath) {
      next?.();
      return false;
    }
    const answer = (ok: boolean, body: Record<string, unknown>) => {
      const text = JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...body });
      response.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
      response.end(request.method === 'HEAD' ? undefined : text);
    };
    const health = source.health();
    if (pathname === readyPath) {
      answer(health.ready, { state: health.state });
    } else {
      void measureLoopDelay().then((loopDelayMs) =>
        answer(health.live && !health.stopping && loopDelayMs <= maxLoopDelayMs, { state: health.state, loopDelayMs: Math.round(loopDelayMs * 1000) / 1000 }),
      );
    }
    return true;
  };
}
