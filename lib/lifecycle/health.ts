// /healthz and /readyz for the application's own server, as terminus offers
// them: readiness is 200 while the service can take work (running, not set
// not ready, no whileNotReady task, every readiness check passing) and 503
// from the moment a stop is requested; liveness fails only when the process
// is stuck (a slow event loop, a failing liveness check) or its lifecycle ended.
import type * as http from 'node:http';
import { ServicehostError } from '../errors';
import type { ServiceHealth } from './service';
import { expectFunction, expectObject, expectString, optionalBoolean, optionalInteger } from '../validate';

/** A health check: resolve (with optional details for the body) when healthy, throw or reject when not. */
export type HealthCheck = (context: { signal: AbortSignal }) => unknown;

/** Options of {@link createHealthHandler}: the paths, and what liveness and readiness check. */
export interface HealthHandlerOptions {
  /** Liveness path. Default '/healthz'. */
  livePath?: string;
  /** Readiness path. Default '/readyz'. */
  readyPath?: string;
  /** Liveness fails when a turn of the event loop takes longer than this. Default 1000. */
  maxLoopDelayMs?: number;
  /**
   * Readiness checks by name (a database, a queue): the service is ready only
   * while all pass. Their results are in the readiness body.
   */
  checks?: Record<string, HealthCheck>;
  /**
   * Liveness checks by name: only what a restart would fix. A dependency
   * belongs in `checks`: failing liveness for it restarts healthy processes.
   */
  liveChecks?: Record<string, HealthCheck>;
  /** A check that takes longer fails ('timed-out'); its signal is aborted. Default 1000. */
  checkTimeoutMs?: number;
  /** Put a failed check's error message in the body. Default true; false for bodies others can read. */
  showErrors?: boolean;
}

/** The handler: answers its two paths and returns true, or returns false (calls `next` if given) for any other. */
export type HealthHandler = (request: http.IncomingMessage, response: http.ServerResponse, next?: () => void) => boolean;

/** One check's outcome, as the body shows it. */
export interface HealthCheckResult {
  /** Passed, threw or rejected, or overran `checkTimeoutMs`. */
  status: 'ok' | 'failed' | 'timed-out';
  /** How long the check took. */
  durationMs: number;
  /** What the check resolved with, when it is a string, number, boolean or plain object. */
  details?: unknown;
  /** The failure's message (showErrors). */
  error?: string;
}

/** Time for one turn of the event loop, measured on demand: nothing runs between probes. */
export function measureLoopDelay(): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - started) / 1e6)));
}

function checkChecks(where: string, value: unknown): [string, HealthCheck][] {
  if (value === undefined) return [];
  return Object.entries(expectObject(where, value)).map(([name, check]) => [name, expectFunction(`${where}.${name}`, check) as HealthCheck]);
}

// What a check resolved with goes in the body when it is plain JSON; anything else (a client object, a cycle) stays out.
function shownDetails(value: unknown): unknown {
  const plain = value === null || ['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
  if (!plain) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

async function runCheck(check: HealthCheck, timeoutMs: number, showErrors: boolean): Promise<HealthCheckResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => roundMs(Number(process.hrtime.bigint() - started) / 1e6);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => check({ signal: abort.signal })), timedOut]);
    if (value === 'timed-out') {
      abort.abort(new ServicehostError('ERR_SERVICEHOST_STEP_TIMEOUT', `the health check took longer than ${timeoutMs} ms`));
      return { status: 'timed-out', durationMs: elapsed() };
    }
    const details = shownDetails(value);
    return { status: 'ok', durationMs: elapsed(), ...(details === undefined ? {} : { details }) };
  } catch (error) {
    return { status: 'failed', durationMs: elapsed(), ...(showErrors ? { error: error instanceof Error ? error.message : String(error) } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

// Runs a set of checks; probes that arrive while a run is under way share it,
// so a burst of probes runs each check once.
function checkRunner(checks: [string, HealthCheck][], timeoutMs: number, showErrors: boolean) {
  let running: Promise<Record<string, HealthCheckResult>> | undefined;
  return (): Promise<Record<string, HealthCheckResult>> | undefined => {
    if (checks.length === 0) return undefined;
    running ??= Promise.all(checks.map(async ([name, check]) => [name, await runCheck(check, timeoutMs, showErrors)] as const))
      .then((entries) => Object.fromEntries(entries))
      .finally(() => (running = undefined));
    return running;
  };
}

function allPassed(results: Record<string, HealthCheckResult> | undefined): boolean {
  return results === undefined || Object.values(results).every((result) => result.status === 'ok');
}

export function createHealthHandler(source: { health(): ServiceHealth }, options: HealthHandlerOptions = {}): HealthHandler {
  if (typeof source !== 'object' || source === null || typeof source.health !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'createHealthHandler(service): service must have a health() method');
  }
  const where = (key: string) => `createHealthHandler: options.${key}`;
  const checked = expectObject('createHealthHandler(service, options): options', options);
  const livePath = checked.livePath === undefined ? '/healthz' : expectString(where('livePath'), checked.livePath, { nonEmpty: true });
  const readyPath = checked.readyPath === undefined ? '/readyz' : expectString(where('readyPath'), checked.readyPath, { nonEmpty: true });
  const maxLoopDelayMs = optionalInteger(where('maxLoopDelayMs'), checked.maxLoopDelayMs, 1, 2 ** 31 - 1) ?? 1_000;
  const checkTimeoutMs = optionalInteger(where('checkTimeoutMs'), checked.checkTimeoutMs, 1, 2 ** 31 - 1) ?? 1_000;
  const showErrors = optionalBoolean(where('showErrors'), checked.showErrors) ?? true;
  const readyChecks = checkRunner(checkChecks(where('checks'), checked.checks), checkTimeoutMs, showErrors);
  const liveChecks = checkRunner(checkChecks(where('liveChecks'), checked.liveChecks), checkTimeoutMs, showErrors);

  return (request, response, next) => {
    const pathname = (request.url ?? '').split('?')[0];
    if (pathname !== livePath && pathname !== readyPath) {
      next?.();
      return false;
    }
    const answer = (ok: boolean, body: Record<string, unknown>) => {
      if (response.destroyed || response.headersSent) return;
      const text = JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...body });
      response.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
      response.end(request.method === 'HEAD' ? undefined : text);
    };
    const health = source.health();
    if (pathname === readyPath) {
      const readiness = (now: ServiceHealth) => ({ state: now.state, ...(now.ready ? {} : { reasons: now.reasons }) });
      // Not ready already: the checks would change nothing, so they do not run.
      const results = health.ready ? readyChecks() : undefined;
      if (results === undefined) {
        answer(health.ready, readiness(health));
      } else {
        // Asked again once the checks are in: a stop may have begun meanwhile.
        void results.then((checks) => {
          const now = source.health();
          answer(allPassed(checks) && now.ready, { ...readiness(now), checks });
        });
      }
    } else {
      const live = health.live && !health.stopping;
      void Promise.all([measureLoopDelay(), live ? liveChecks() : undefined]).then(([loopDelayMs, checks]) =>
        answer(live && loopDelayMs <= maxLoopDelayMs && allPassed(checks), {
          state: health.state,
          loopDelayMs: roundMs(loopDelayMs),
          ...(checks === undefined ? {} : { checks }),
        }),
      );
    }
    return true;
  };
}
