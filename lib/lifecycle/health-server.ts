// The health handler on a port of its own (service.serveHealth), for a
// service whose main server is not HTTP, or that keeps probes off it.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { fromNodeError } from '../errors';
import { expectInteger, expectObject, expectString } from '../validate';
import { createHealthHandler, type HealthHandlerOptions } from './health';
import type { Logger } from './log';
import type { ServiceHealth } from './states';

/** Options of `service.serveHealth()`: where the health server listens, and what its handler checks. */
export interface HealthServerOptions extends HealthHandlerOptions {
  /** The port; 0 picks a free one (read it from server.address()). */
  port: number;
  /** The address to listen on. Default: every interface, as probes from a kubelet or load balancer need; '127.0.0.1' (or '::1') serves this machine only. */
  host?: string;
}

/** A running health server, and how to close it with its connections. */
export interface ServedHealth {
  /** The listening server (its port: `server.address()`). */
  server: http.Server;
  /** Closes the server and every connection it has, idle keep-alive probes included. */
  close(): Promise<void>;
}

export async function serveHealth(source: { health(): ServiceHealth; readonly log?: Logger }, options: HealthServerOptions): Promise<ServedHealth> {
  const checked = expectObject('service.serveHealth(options)', options);
  const port = expectInteger('service.serveHealth: options.port', checked.port, 0, 65_535);
  const host = checked.host === undefined ? undefined : expectString('service.serveHealth: options.host', checked.host, { nonEmpty: true });
  const { port: _port, host: _host, ...handlerOptions } = options;
  const handler = createHealthHandler(source, handlerOptions);
  const server = http.createServer((request, response) => {
    if (handler(request, response)) return;
    response.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
    response.end('not found\n');
  });
  // Probes are small and few: the sockets are counted here, to end them at close (Node 18.0 has no closeAllConnections).
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    // The system's code (EADDRINUSE, EACCES), as servicehost's system errors carry it.
    throw fromNodeError(error, `service.serveHealth: cannot listen on ${host ?? '*'}:${port}: ${error.message}`);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
