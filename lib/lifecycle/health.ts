// /healthz and /readyz for the application's own server, as terminus offers
// them: readiness is 200 while the service can take work (running, not set
// not ready, no whileNotReady task, every readiness check passing) and 503
// from the moment a stop is requested; liveness fails only when the process
// is stuck (a slow event loop, a failing liveness check) or its lifecycle ended.
import type * as http from 'node:http';
import { ServicehostError } from '../errors';
import { errorMessage } from './error-description';
import { isLogger, type Logger } from './log';
import type { ServiceHealth } from './states';
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
  /**
   * A check that takes longer fails ('timed-out'); its signal is aborted. A
   * check that goes on regardless is not run again until it settles: probes
   * meanwhile get its last result, marked `stale`. Default 1000.
   */
  checkTimeoutMs?: number;
  /**
   * Put a failed check's error message in the body. Default false: a message
   * can hold what no prober should read (a connection string, a host name);
   * the service's log gets it either way.
   */
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
  /**
   * True: the check's last run overran `checkTimeoutMs` and is still going
   * (it ignored its signal), so it was not run again; this is that run's result.
   */
  stale?: boolean;
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

// One check's runs: at most one invocation in flight. A probe shares the run
// under way; once that run has timed out but the check goes on (it ignored its
// signal), probes get the last result, marked stale, and nothing new starts:
// a probe burst against a hung check would otherwise pile up invocations.
function checkSlot(name: string, check: HealthCheck, timeoutMs: number, showErrors: boolean, log: Logger | undefined) {
  let waiting: Promise<HealthCheckResult> | undefined;
  let inFlight = false;
  let last: HealthCheckResult | undefined;
  let lastLogged = '';

  // A failure is logged when it first appears or its message changes, not at every probe.
  const record = (result: HealthCheckResult, message: string | undefined): HealthCheckResult => {
    const outcome = result.status === 'ok' ? '' : `${result.status}: ${message ?? ''}`;
    if (outcome !== lastLogged) {
      if (outcome !== '') log?.warn(`health check "${name}" ${result.status === 'timed-out' ? `took longer than ${timeoutMs} ms` : `failed: ${message ?? ''}`}`);
      else log?.info(`health check "${name}" passes again`);
      lastLogged = outcome;
    }
    last = result;
    return result;
  };

  const run = async (): Promise<HealthCheckResult> => {
    const started = process.hrtime.bigint();
    const elapsed = () => roundMs(Number(process.hrtime.bigint() - started) / 1e6);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), timeoutMs);
    });
    inFlight = true;
    const invocation = Promise.resolve().then(() => check({ signal: abort.signal }));
    const settled = () => {
      inFlight = false;
    };
    invocation.then(settled, settled);
    try {
      const value = await Promise.race([invocation, timedOut]);
      if (value === 'timed-out') {
        abort.abort(new ServicehostError('ERR_SERVICEHOST_STEP_TIMEOUT', `the health check took longer than ${timeoutMs} ms`));
        return record({ status: 'timed-out', durationMs: elapsed() }, undefined);
      }
      const details = shownDetails(value);
      return record({ status: 'ok', durationMs: elapsed(), ...(details === undefined ? {} : { details }) }, undefined);
    } catch (error) {
      // Whatever was thrown (no prototype, a toString that throws): a failed check, never a rejection that ends the service.
      const message = errorMessage(error);
      return record({ status: 'failed', durationMs: elapsed(), ...(showErrors ? { error: message } : {}) }, message);
    } finally {
      clearTimeout(timer);
    }
  };

  return (): Promise<HealthCheckResult> => {
    if (waiting !== undefined) return waiting;
    if (inFlight && last !== undefined) return Promise.resolve({ ...last, stale: true });
    waiting = run().finally(() => (waiting = undefined));
    return waiting;
  };
}

// Runs a set of checks, each through its slot.
function checkRunner(checks: [string, HealthCheck][], timeoutMs: number, showErrors: boolean, log: Logger | undefined) {
  const slots = checks.map(([name, check]) => [name, checkSlot(name, check, timeoutMs, showErrors, log)] as const);
  return (): Promise<Record<string, HealthCheckResult>> | undefined => {
    if (slots.length === 0) return undefined;
    return Promise.all(slots.map(async ([name, result]) => [name, await result()] as const)).then((entries) => Object.fromEntries(entries));
  };
}

function allPassed(results: Record<string, HealthCheckResult> | undefined): boolean {
  return results === undefined || Object.values(results).every((result) => result.status === 'ok');
}

// Whether a request's URL names `path`, with or without a query. Every request
// of the application's server passes here: no string is made for one that does not.
function isPath(url: string, path: string): boolean {
  return url.startsWith(path) && (url.length === path.length || url.charCodeAt(path.length) === 0x3f); // '?'
}

/**
 * The handler for `source` (a Service). A failed check is logged to
 * `source.log` when it has one (a Service does), whatever `showErrors` says.
 */
export function createHealthHandler(source: { health(): ServiceHealth; readonly log?: Logger }, options: HealthHandlerOptions = {}): HealthHandler {
  if (typeof source !== 'object' || source === null || typeof source.health !== 'function') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'createHealthHandler(service): service must have a health() method');
  }
  const where = (key: string) => `createHealthHandler: options.${key}`;
  const checked = expectObject('createHealthHandler(service, options): options', options);
  const livePath = checked.livePath === undefined ? '/healthz' : expectString(where('livePath'), checked.livePath, { nonEmpty: true });
  const readyPath = checked.readyPath === undefined ? '/readyz' : expectString(where('readyPath'), checked.readyPath, { nonEmpty: true });
  const maxLoopDelayMs = optionalInteger(where('maxLoopDelayMs'), checked.maxLoopDelayMs, 1, 2 ** 31 - 1) ?? 1_000;
  const checkTimeoutMs = optionalInteger(where('checkTimeoutMs'), checked.checkTimeoutMs, 1, 2 ** 31 - 1) ?? 1_000;
  const showErrors = optionalBoolean(where('showErrors'), checked.showErrors) ?? false;
  const log = isLogger(source.log) ? source.log : undefined;
  const readyChecks = checkRunner(checkChecks(where('checks'), checked.checks), checkTimeoutMs, showErrors, log);
  const liveChecks = checkRunner(checkChecks(where('liveChecks'), checked.liveChecks), checkTimeoutMs, showErrors, log);

  return (request, response, next) => {
    const url = request.url ?? '';
    const ready = isPath(url, readyPath);
    if (!ready && !isPath(url, livePath)) {
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
    if (ready) {
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
