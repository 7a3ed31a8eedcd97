// Graceful drain of an http, https or http2 server with what Node core has:
// stop accepting, close idle keep-alive sockets, let in-flight requests finish
// (telling their clients `Connection: close`), destroy what remains when the
// step's signal aborts at its deadline.
import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type * as net from 'node:net';
import { ServicehostError } from '../errors';

export type HttpServer = http.Server | http2.Http2Server | http2.Http2SecureServer;

interface DrainTracker {
  draining: boolean;
  /** Responses not yet finished (HTTP/1). */
  responses: Set<http.ServerResponse>;
  /** Open sessions (HTTP/2). */
  sessions: Set<http2.ServerHttp2Session>;
}

const trackers = new WeakMap<object, DrainTracker>();

/** An http/https server: it has the keep-alive connection list Node 18.2 added. */
function isHttp1(server: object): server is http.Server {
  return typeof (server as Partial<http.Server>).closeIdleConnections === 'function';
}

function isHttp2(server: object): server is http2.Http2Server {
  const name = server.constructor?.name;
  return name === 'Http2Server' || name === 'Http2SecureServer';
}

/** Whether `value` is a server drainHttpServer() knows how to drain. */
export function isHttpServer(value: unknown): value is HttpServer {
  return typeof value === 'object' && value !== null && (isHttp1(value) || isHttp2(value));
}

/**
 * Starts watching a server's requests (or sessions) so that a later drain
 * knows what is in flight. Call it as early as possible; `service.add(server)`
 * does. Calling it twice is harmless.
 */
export function trackHttpServer(server: HttpServer): void {
  if (!isHttpServer(server)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'trackHttpServer(server): server must be an http, https or http2 server');
  }
  if (trackers.has(server)) return;
  const tracker: DrainTracker = { draining: false, responses: new Set(), sessions: new Set() };
  trackers.set(server, tracker);
  if (isHttp1(server)) {
    // Prepended, so the header is set before the application's handler answers.
    server.prependListener('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
      tracker.responses.add(response);
      response.once('close', () => tracker.responses.delete(response));
      if (tracker.draining) response.setHeader('Connection', 'close');
    });
  } else {
    (server as http2.Http2Server).on('session', (session: http2.ServerHttp2Session) => {
      tracker.sessions.add(session);
      session.once('close', () => tracker.sessions.delete(session));
      if (tracker.draining) session.close();
    });
  }
}

/**
 * Drains `server` and resolves when its last connection is gone, or at once
 * after `signal` aborts and every remaining connection was destroyed.
 */
export function drainHttpServer(server: HttpServer, options: { signal?: AbortSignal } = {}): Promise<void> {
  trackHttpServer(server);
  const tracker = trackers.get(server)!;
  tracker.draining = true;
  const { signal } = options;

  return new Promise<void>((resolve) => {
    const closed = new Promise<void>((resolveClosed) => {
      // Stops accepting. The callback runs once the last connection ends;
      // an error only says the server was not listening.
      (server as net.Server).close(() => resolveClosed());
    });
    const destroyAll = () => {
      if (isHttp1(server)) server.closeAllConnections();
      for (const session of tracker.sessions) session.destroy();
      resolve();
    };
    if (signal?.aborted) return destroyAll();
    signal?.addEventListener('abort', destroyAll, { once: true });

    if (isHttp1(server)) {
      for (const response of tracker.responses) {
        if (!response.headersSent) {
          response.setHeader('Connection', 'close');
        } else {
          // Too late for the header: close the socket once the response is out.
          response.once('finish', () => setImmediate(() => server.closeIdleConnections()));
        }
      }
      server.closeIdleConnections();
    } else {
      // GOAWAY: open streams finish, no new ones start.
      for (const session of tracker.sessions) session.close();
    }
    closed.then(() => {
      signal?.removeEventListener('abort', destroyAll);
      resolve();
    });
  });
}
