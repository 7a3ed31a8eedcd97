// Graceful drain of an http, https or http2 server, losing no request that a
// client has sent. Node's own close() and closeIdleConnections() destroy a
// keep-alive socket that is idle for the microsecond between two requests,
// and the client's next request, already on the wire, is reset. So the drain:
//   1. stops the listener, and nothing else (net.Server's own close);
//   2. answers every request from then on with `Connection: close`, so each
//      socket closes cleanly after the response its client was waiting for;
//      a response whose head went out before the drain (a streamed one)
//      cannot say so, and its socket closes a moment after it ends instead;
//   3. closes a socket only after it has stayed idle for a grace period
//      (a client hammering a route sends within it; one that sends nothing
//      more is truly idle);
//   4. destroys what remains when the step's signal aborts at its deadline.
// Tracking is per connection; per-request work starts only with the drain.
import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import * as net from 'node:net';
import { ServicehostError } from '../errors';
import { expectObject, optionalInteger } from '../validate';

/** A server the drain knows: http or https (`http.Server`), http2 with or without TLS. */
export type HttpServer = http.Server | http2.Http2Server | http2.Http2SecureServer;

/** Options of {@link drainHttpServer}. */
export interface DrainOptions {
  /** Aborts at the step's deadline: every remaining connection is destroyed. */
  signal?: AbortSignal;
  /** How long a keep-alive socket must stay idle before the drain closes it. Default 500 (40 after a streamed response, never more than this). */
  idleGraceMs?: number;
}

interface DrainTracker {
  /** Open connections (HTTP/1: the sockets requests arrive on). */
  sockets: Set<net.Socket>;
  /** Open sessions (HTTP/2). */
  sessions: Set<http2.ServerHttp2Session>;
  draining: boolean;
}

// The response a socket is answering now (Node sets it for the life of each
// response, and hands it the next pipelined one as one finishes); the request
// parser, whose duration() is 0 unless a request is part-way in (Node's own
// headersTimeout check reads it); `_paused` while pipelined requests wait unread.
type HttpSocket = net.Socket & {
  _httpMessage?: http.ServerResponse | null;
  _paused?: boolean;
  parser?: { duration?: () => number } | null;
};

const trackers = new WeakMap<object, DrainTracker>();
const DEFAULT_IDLE_GRACE_MS = 500;
// After a response that could not say `Connection: close`, how long its socket
// waits for a request its client sent at once (a loop on a keep-alive agent),
// which is then answered with the header. Measured on a loaded 2-core machine,
// 50 such loops in one client process sent their next request a median 10-20
// ms after a response ended (p99 50-70 ms); at 20 ms a stop reset 7 of them, at
// 40 ms none in 10 stops. The process exits about this long after the last response.
// A request sent later races the close, as at any HTTP/1.1 close (RFC 9112,
// 9.3.1: the client retries it); a client starved at a third of a core sent 80 ms late.
export const ANSWERED_GRACE_MS = 40;

function isHttp2(server: object): server is http2.Http2Server {
  const name = server.constructor?.name;
  return name === 'Http2Server' || name === 'Http2SecureServer';
}

/** An http or https server: a net.Server with http's header limits. */
function isHttp1(server: object): server is http.Server {
  return server instanceof net.Server && 'maxHeadersCount' in server && !isHttp2(server);
}

/** Whether `value` is a server drainHttpServer() knows how to drain. */
export function isHttpServer(value: unknown): value is HttpServer {
  return typeof value === 'object' && value !== null && (isHttp1(value) || isHttp2(value));
}

/**
 * Starts watching a server's connections (or sessions) so that a later drain
 * knows what is open. Call it as early as possible; `service.add(server)`
 * does. Calling it twice is harmless.
 */
export function trackHttpServer(server: HttpServer, caller = 'trackHttpServer'): void {
  if (!isHttpServer(server)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${caller}(server): server must be an http, https or http2 server`);
  }
  if (trackers.has(server)) return;
  const tracker: DrainTracker = { sockets: new Set(), sessions: new Set(), draining: false };
  trackers.set(server, tracker);
  if (isHttp2(server)) {
    server.on('session', (session: http2.ServerHttp2Session) => {
      tracker.sessions.add(session);
      session.once('close', () => tracker.sessions.delete(session));
      if (tracker.draining) session.close();
    });
    return;
  }
  // https hands requests the TLS socket, so that is the one to track.
  const event = typeof (server as { addContext?: unknown }).addContext === 'function' ? 'secureConnection' : 'connection';
  server.on(event, (socket: net.Socket) => {
    tracker.sockets.add(socket);
    socket.once('close', () => tracker.sockets.delete(socket));
  });
}

/**
 * Drains `server` and resolves when its last connection is gone, or at once
 * after `signal` aborts and every remaining connection was destroyed.
 */
export function drainHttpServer(server: HttpServer, options: DrainOptions = {}): Promise<void> {
  trackHttpServer(server, 'drainHttpServer');
  const checked = expectObject('drainHttpServer(server, options): options', options);
  const idleGraceMs = optionalInteger('drainHttpServer: options.idleGraceMs', checked.idleGraceMs, 0, 2 ** 31 - 1) ?? DEFAULT_IDLE_GRACE_MS;
  const tracker = trackers.get(server)!;
  tracker.draining = true;
  const { signal } = options;
  // Each socket's pending idle close, as the function that cancels it.
  const idleCloses = new Map<net.Socket, () => void>();
  const cancelIdleClose = (socket: net.Socket) => {
    idleCloses.get(socket)?.();
    idleCloses.delete(socket);
  };

  return new Promise<void>((resolve) => {
    const finish = () => {
      signal?.removeEventListener('abort', destroyAll);
      for (const cancel of idleCloses.values()) cancel();
      resolve();
    };
    const destroyAll = () => {
      for (const socket of tracker.sockets) socket.destroy();
      for (const session of tracker.sessions) session.destroy();
      finish();
    };
    // Stops accepting; the callback runs once the last connection has ended.
    // (http.Server's own close() would also destroy idle keep-alive sockets.)
    net.Server.prototype.close.call(server, () => finish());
    if (signal?.aborted) return destroyAll();
    signal?.addEventListener('abort', destroyAll, { once: true });

    if (isHttp2(server)) {
      // GOAWAY: open streams finish, no new ones start.
      for (const session of tracker.sessions) session.close();
      return;
    }
    const closeWhenIdle = (socket: HttpSocket, graceMs = idleGraceMs) => {
      cancelIdleClose(socket);
      const bytesReadBefore = socket.bytesRead;
      let decide: NodeJS.Immediate | undefined;
      // Node runs expired timers before it reads its sockets: when the loop
      // was held up past the grace (busy, or a starved machine), a request
      // that arrived meanwhile is still unread as the timer fires. So the
      // decision waits for the immediate that runs after the loop's next read:
      // a whole request has then reached 'request' (which cancels this), and
      // part of one has moved bytesRead (it gets the full grace).
      const timer = setTimeout(() => {
        decide = setImmediate(() => {
          idleCloses.delete(socket);
          if (socket._httpMessage) return;
          if (socket.bytesRead !== bytesReadBefore) return closeWhenIdle(socket, idleGraceMs);
          socket.end();
        });
      }, graceMs);
      idleCloses.set(socket, () => {
        clearTimeout(timer);
        clearImmediate(decide);
      });
    };
    const closeAfter = (response: http.ServerResponse, socket: HttpSocket) => {
      if (!response.headersSent) {
        response.setHeader('Connection', 'close');
        return;
      }
      // Too late for the header: the socket closes once this response has
      // ended and its client has had a round trip to send on at once. (The
      // socket is taken here: Node detaches it before 'finish'.)
      response.once('finish', () => {
        if (socket.destroyed) return;
        // Node's own 'finish' listener ran first and gave the socket to the
        // next pipelined response, if one waits: that one closes it instead.
        if (socket._httpMessage) return closeAfter(socket._httpMessage, socket);
        // Part of a request already in, or pipelined ones not read yet: the
        // full grace (each is answered with `Connection: close`).
        const more = (socket.parser?.duration?.() ?? 0) > 0 || socket._paused === true;
        closeWhenIdle(socket, more ? idleGraceMs : Math.min(idleGraceMs, ANSWERED_GRACE_MS));
      });
    };
    server.prependListener('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      cancelIdleClose(request.socket);
      closeAfter(response, request.socket);
    });
    for (const socket of tracker.sockets as Set<HttpSocket>) {
      if (socket._httpMessage) closeAfter(socket._httpMessage, socket);
      else closeWhenIdle(socket);
    }
  });
}
