// A realistic service: an HTTP API over a database-like connection pool, with
// a buffered request log, health endpoints and a graceful drain. It runs the
// same in a terminal (Ctrl-C drains), under systemd, launchd or a container
// (SIGTERM), and as a Windows service (the SCM's stop).
//
//   node examples/http-service.js          then: curl localhost:3000/items
//
// Environment: PORT (default 3000, 0 picks one), HOST (default 127.0.0.1),
// POOL_SIZE (default 10), DRAIN_TIMEOUT_MS (default 10000),
// STOP_TIMEOUT_MS (default 30000).
'use strict';
const http = require('node:http');
const { Service, createHealthHandler } = require('..');

const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

/** A database-like pool: a query holds one of `size` connections; end() waits for those in use. */
class Pool {
  static async connect({ size }) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // the handshake
    return new Pool(size);
  }

  constructor(size) {
    this.size = size;
    this.active = 0;
    this.waiting = [];
    this.closed = false;
  }

  async query(durationMs) {
    if (this.closed) throw new Error('the pool is closed');
    if (this.active >= this.size) await new Promise((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      await new Promise((resolve) => setTimeout(resolve, durationMs));
      return { rows: [{ id: 1, name: 'widget' }], durationMs };
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  async end() {
    this.closed = true;
    while (this.active > 0 || this.waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A request log that writes in batches; flush() writes what is left. */
class BufferedLog {
  constructor(stream) {
    this.stream = stream;
    this.lines = [];
  }

  write(line) {
    this.lines.push(`${new Date().toISOString()} ${line}\n`);
    if (this.lines.length >= 100) this.flush();
  }

  flush() {
    if (this.lines.length === 0) return Promise.resolve();
    const text = this.lines.splice(0).join('');
    return new Promise((resolve, reject) => this.stream.write(text, (error) => (error ? reject(error) : resolve())));
  }
}

const service = new Service({ stopTimeoutMs: env('STOP_TIMEOUT_MS', 30_000) });
const requestLog = new BufferedLog(process.stdout);
let inFlight = 0;

// Registered first, so it runs last: the flush phase comes after drain and close.
service.defer('flush the request log', () => requestLog.flush(), { phase: 'flush' });
service.on('stop', ({ reason, detail }) => console.log(`stopping (${detail ?? reason})`));
service.stopped.then(({ exitCode, steps }) => {
  for (const step of steps) console.log(`  ${step.phase} ${step.name}: ${step.outcome} in ${step.durationMs} ms`);
  console.log(`stopped, exit code ${exitCode}`);
});

service.start(async ({ progress }) => {
  progress('connecting to the database');
  const pool = service.add(await Pool.connect({ size: env('POOL_SIZE', 10) }), { name: 'database pool' });

  progress('opening the HTTP port');
  const health = createHealthHandler(service);
  const server = http.createServer(async (request, response) => {
    if (health(request, response)) return;
    const url = new URL(request.url, 'http://localhost');
    inFlight++;
    try {
      if (url.pathname === '/items') {
        const { rows } = await pool.query(20);
        send(response, 200, rows);
      } else if (url.pathname === '/report') {
        // A slow query: what a graceful drain lets finish.
        const { durationMs } = await pool.query(Number(url.searchParams.get('ms') ?? 500));
        send(response, 200, { report: 'done', durationMs });
      } else if (url.pathname === '/stats') {
        send(response, 200, { inFlight: inFlight - 1, pool: { active: pool.active, waiting: pool.waiting.length } });
      } else {
        send(response, 404, { error: 'not found' });
      }
    } catch (error) {
      send(response, 503, { error: error.message });
    } finally {
      inFlight--;
      requestLog.write(`${request.method} ${request.url} ${response.statusCode}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(env('PORT', 3000), process.env.HOST ?? '127.0.0.1', resolve);
  });
  // Added last, so it drains first: no new requests reach a closing pool.
  service.add(server, { name: 'http server', timeout: env('DRAIN_TIMEOUT_MS', 10_000) });
  console.log(`listening on http://${process.env.HOST ?? '127.0.0.1'}:${server.address().port} (pid ${process.pid})`);
});

function send(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
