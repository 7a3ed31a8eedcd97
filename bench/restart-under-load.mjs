#!/usr/bin/env node
// Restarts under load: a real client process keeps a server busy while the
// service is restarted, and counts every request that did not get its
// answer. Run it where the service runs (the live-systemd ring runs it in its
// guest, test/systemd-live/restart-under-load.test.ts):
//   node bench/restart-under-load.mjs --port 8080 --restart '["systemctl","restart","web.service"]' \
//     --restart '["servicehost","restart","web"]' [--restarts 10] [--host 127.0.0.1]
// The load, all at once and at a steady rate:
//   - 4 keep-alive loops: GET / on a keep-alive agent, one request every 10 ms each;
//   - fresh connections: GET / on a new connection every 10 ms;
//   - 2 slow loops: GET /slow (the server answers after 300 ms) on the keep-alive agent,
//     so slow requests are in flight whenever a restart begins.
// The restarts take turns through the --restart commands (argument arrays, no
// shell), --interval-ms (2.5 s) of load before each and after the last. It prints one JSON
// line: ok, refused (ECONNREFUSED), reset (ECONNRESET, a socket hung up),
// failed (anything else: a timeout, a non-2xx answer), the pids that served,
// how long each restart command took, and for each restart that refused, how
// long the port was seen closed (first to last refused connection).
import { execFile } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    restart: { type: 'string', multiple: true },
    restarts: { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '10000' },
    // systemd refuses a sixth start within 10 s (StartLimitBurst=5, StartLimitIntervalSec=10): 2.5 s apart stays under it.
    'interval-ms': { type: 'string', default: '2500' },
  },
});
const port = Number(values.port);
const host = values.host;
const commands = (values.restart ?? []).map((text) => JSON.parse(text));
const restarts = Number(values.restarts);
const timeoutMs = Number(values['timeout-ms']);
const intervalMs = Number(values['interval-ms']);
if (!Number.isInteger(port) || commands.length === 0) {
  console.error('usage: node bench/restart-under-load.mjs --port <port> --restart \'["systemctl","restart","web.service"]\' [--restart ...] [--restarts 10]');
  process.exit(2);
}

const counts = { ok: 0, refused: 0, reset: 0, failed: 0, slowOk: 0 };
const failures = [];
const pids = new Set();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
let running = true;
// Which restart a failure happened in or after (0: before the first).
let restartIndex = 0;
const began = Date.now();

// Per restart: the first and last refused connection, whose gap is how long the port was seen closed.
const refusedSpan = new Map();

function classify(error) {
  if (error.code === 'ECONNREFUSED') {
    const now = Date.now();
    const span = refusedSpan.get(restartIndex) ?? { first: now, last: now };
    span.last = now;
    refusedSpan.set(restartIndex, span);
    return 'refused';
  }
  if (error.code === 'ECONNRESET' || /socket hang up/u.test(error.message)) return 'reset';
  return 'failed';
}

function request(path, agent) {
  return new Promise((resolve) => {
    const started = Date.now();
    const outgoing = http.get({ host, port, path, agent, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode === 200) {
          counts.ok += 1;
          if (path === '/slow') counts.slowOk += 1;
          pids.add(JSON.parse(body).pid);
        } else {
          counts.failed += 1;
          failures.push({ path, status: response.statusCode, ms: started - began, restart: restartIndex });
        }
        resolve();
      });
      response.on('error', (error) => {
        counts[classify(error)] += 1;
        failures.push({ path, code: error.code ?? error.message, ms: started - began, restart: restartIndex, reused: outgoing.reusedSocket });
        resolve();
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    outgoing.on('error', (error) => {
      counts[classify(error)] += 1;
      failures.push({ path, code: error.code ?? error.message, ms: started - began, restart: restartIndex, reused: outgoing.reusedSocket });
      resolve();
    });
  });
}

async function loop(path, agent, everyMs) {
  while (running) {
    const next = Date.now() + everyMs;
    await request(path, agent);
    await sleep(Math.max(0, next - Date.now()));
  }
}

// Fresh connections go out on a timer, whether or not the last one was answered.
async function freshConnections(everyMs) {
  const inFlight = new Set();
  while (running) {
    const sent = request('/', false);
    inFlight.add(sent);
    sent.then(() => inFlight.delete(sent));
    await sleep(everyMs);
  }
  await Promise.all(inFlight);
}

function run(argv) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    execFile(argv[0], argv.slice(1), { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${argv.join(' ')} failed: ${stderr || error.message}`));
      else resolve(Date.now() - started);
    });
  });
}

const load = [...Array.from({ length: 4 }, () => loop('/', keepAlive, 10)), loop('/slow', keepAlive, 0), loop('/slow', keepAlive, 0), freshConnections(10)];
const restartMs = [];
let error;
try {
  for (let index = 0; index < restarts; index += 1) {
    await sleep(intervalMs);
    restartIndex = index + 1;
    restartMs.push(await run(commands[index % commands.length]));
  }
  await sleep(intervalMs);
} catch (caught) {
  error = caught.message;
}
running = false;
await Promise.all(load);
keepAlive.destroy();
const closedMs = [...refusedSpan.values()].map((span) => span.last - span.first);
console.log(JSON.stringify({ ...counts, restarts: restartMs.length, restartMs, closedMs, pids: [...pids], failures: failures.slice(0, 20), ...(error ? { error } : {}) }));
