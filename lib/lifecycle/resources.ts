// What `service.add(resource)` accepts, turned into a teardown step: an http,
// https or http2 server (drained), [Symbol.asyncDispose] / [Symbol.dispose],
// or the first of close(), end(), destroy() the object has.
import { ServicehostError } from '../errors';
import type { TeardownContext, TeardownFunction, TeardownPhase } from './teardown';

const asyncDispose: symbol = Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose');
const syncDispose: symbol = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** Anything `service.add()` can close. */
export type Closeable =
  | {
      /** Closes it; a callback it takes, or a promise it returns, says when it is done. */
      close(...args: never[]): unknown;
    }
  | {
      /** Ends it, as close() (a stream, a pool). */
      end(...args: never[]): unknown;
    }
  | {
      /** Destroys it, as close(). */
      destroy(...args: never[]): unknown;
    }
  | {
      /** Disposes of it asynchronously (`await using`). */
      [Symbol.asyncDispose](): PromiseLike<void>;
    }
  | {
      /** Disposes of it (`using`). */
      [Symbol.dispose](): void;
    };

export interface ResourceStep {
  name: string;
  phase: TeardownPhase;
  run: TeardownFunction;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

// close(cb) and end(cb) report through a callback when they take one, else
// through a returned promise, else they are done when they return.
function callClosing(target: object, method: (...args: unknown[]) => unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      // A server that was not listening has nothing left to close.
      if (error && (error as { code?: unknown }).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    };
    const takesCallback = method.length >= 1;
    const result = takesCallback ? method.call(target, (error?: unknown) => settle(error)) : method.call(target);
    if (isThenable(result)) result.then(() => settle(), settle);
    else if (!takesCallback) settle();
  });
}

function describe(resource: object): string {
  const name = resource.constructor?.name;
  return name && name !== 'Object' ? name : 'resource';
}

// Whether a server was added, whose drain the stop rehearsal should run once.
let drains = false;

/**
 * Part of Service's stop rehearsal, run as a teardown step with that step's
 * own context: the drain step `service.add(server)` makes, when a server was
 * added, on a server of its own that never listened. The one real drain then
 * runs compiled code: the step's function, the drain, and the abort signal's
 * EventTarget listeners, which nothing else in an idle service runs.
 */
export function rehearseResourceSteps(context: TeardownContext): unknown {
  if (!drains) return undefined;
  const http = require('node:http') as typeof import('node:http');
  return resourceStep(http.createServer(), 'rehearsal').run(context);
}

export function resourceStep(resource: unknown, name?: string): ResourceStep {
  if ((typeof resource !== 'object' && typeof resource !== 'function') || resource === null) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'add(resource): resource must be an object with close(), end(), destroy() or [Symbol.asyncDispose]');
  }
  const target = resource as Record<string | symbol, unknown>;
  const label = name ?? describe(resource);
  // The drain's code loads only for something that listens: a service without a server never pays for it.
  if (typeof target.listen === 'function') {
    const http = require('./http') as typeof import('./http');
    if (http.isHttpServer(resource)) {
      drains = true;
      http.trackHttpServer(resource);
      return { name: label, phase: 'drain', run: ({ signal }) => http.drainHttpServer(resource, { signal }) };
    }
  }
  // A plain socket server (net.Server and kin: listen, address, close) stops
  // accepting in the drain phase, with the http servers, whether it is closed
  // through Symbol.asyncDispose (net.Server has it from Node 18.18 and 20.5) or close().
  const serverLike = typeof target.listen === 'function' && typeof target.address === 'function';
  const phase = serverLike ? 'drain' : 'close';
  for (const key of [asyncDispose, syncDispose]) {
    const dispose = target[key];
    if (typeof dispose === 'function') return { name: label, phase, run: async () => void (await dispose.call(resource)) };
  }
  for (const key of ['close', 'end'] as const) {
    const method = target[key];
    if (typeof method === 'function') return { name: label, phase, run: () => callClosing(resource, method as (...args: unknown[]) => unknown) };
  }
  const destroy = target.destroy;
  // destroy(error, callback) on streams: call it bare, never with a callback in the error's place.
  if (typeof destroy === 'function') return { name: label, phase: 'close', run: () => void destroy.call(resource) };
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', `add(resource): ${label} has no close(), end(), destroy() or [Symbol.asyncDispose]`);
}
