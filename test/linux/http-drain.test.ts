// HTTP drain under real load: the example service (examples/http-service.js)
// in one process, a load client in another, a real SIGTERM in the middle.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { repoRoot } from './helpers';
import { fixturesDir } from './harness/child';
import { LineCollector } from './harness/lines';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, NOTIFY_SOCKET: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const lines = new LineCollector<string>(child.stdout!, (line) => line);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

async function startExample(env: NodeJS.ProcessEnv = {}) {
  const server = spawnNode([path.join(repoRoot, 'examples', 'http-service.js')], { PORT: '0', ...env });
  const listening = await server.lines.waitFor((line) => line.startsWith('listening on '));
  const port = Number(/:(\d+) /.exec(listening)![1]);
  return { ...server, port };
}

function stats(port: number): Promise<{ inFlight: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/stats', agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

async function waitForInFlight(port: number, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await stats(port)).inFlight >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never saw ${count} requests in flight`);
}

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port, path: '/items', agent: false }, (response) => {
      response.resume();
      resolve(undefined);
    }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

type ClientLine = { kind: string; status?: number; connection?: string | null; error?: string; hadError?: boolean; body?: string };

/** The example under `count` concurrent requests for `requestPath`, all of them in flight. */
async function exampleUnderLoad(env: NodeJS.ProcessEnv, count: number, requestPath: string) {
  const server = await startExample(env);
  const client = spawnNode([path.join(fixturesDir, 'load-client.js'), String(server.port), String(count), requestPath]);
  const clientLines = new LineCollector<ClientLine>(client.child.stdout!, (line) => JSON.parse(line));
  await clientLines.waitFor((line) => line.kind === 'idle-ready');
  await waitForInFlight(server.port, count);
  return { server, clientLines };
}

describe.runIf(process.platform !== 'win32')('HTTP drain', () => {
  test('in-flight requests finish with Connection: close, idle keep-alive sockets close, new connections are refused, exit 0', async () => {
    const { server, clientLines } = await exampleUnderLoad({ POOL_SIZE: '30' }, 20, '/report?ms=1500');

    server.child.kill('SIGTERM');
    // New connections are refused while the drain still runs: looked for until refused (a loaded machine
    // may take a while to run the handler), and it must be the drain's refusal, not an exited server's.
    let refused: string | undefined;
    for (const until = Date.now() + 5_000; refused !== 'ECONNREFUSED' && Date.now() < until; ) refused = await connectError(server.port);
    expect({ refused, running: server.child.exitCode === null && server.child.signalCode === null }).toEqual({ refused: 'ECONNREFUSED', running: true });
    // Refused at the drain's start: before the first request in flight (1.5 s each) has its answer.
    expect(clientLines.items.filter((line) => line.kind === 'response')).toEqual([]);

    await clientLines.waitFor((line) => line.kind === 'done');
    const responses = clientLines.items.filter((line) => line.kind === 'response');
    expect(responses).toHaveLength(20);
    for (const response of responses) {
      expect(response).toMatchObject({ status: 200, connection: 'close', body: '{"report":"done","durationMs":1500}' });
    }
    expect(clientLines.items.find((line) => line.kind === 'idle-closed')).toEqual({ kind: 'idle-closed', hadError: false });
    expect(await server.exited).toBe(0);
    expect(server.lines.items).toEqual(
      expect.arrayContaining(['stopping (SIGTERM)', expect.stringMatching(/^ {2}drain http server: ok in \d+ ms$/), 'stopped, exit code 0']),
    );
    // The request log was flushed last, with every request in it.
    expect(server.lines.items.filter((line) => / GET \/report\?ms=1500 200$/.test(line))).toHaveLength(20);
  });

  test('requests still running at the drain deadline are cut off, the rest of teardown runs, and the exit code is 72', async () => {
    const { server, clientLines } = await exampleUnderLoad({ DRAIN_TIMEOUT_MS: '400' }, 3, '/report?ms=2500');
    server.child.kill('SIGTERM');
    await clientLines.waitFor((line) => line.kind === 'done');
    const responses = clientLines.items.filter((line) => line.kind === 'response');
    expect(responses).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ error: expect.stringMatching(/ECONNRESET|socket hang up/) })));
    expect(await server.exited).toBe(72);
    expect(server.lines.items).toEqual(
      expect.arrayContaining([expect.stringMatching(/drain http server: timed-out in 4\d\d ms/), expect.stringMatching(/close database pool: ok/)]),
    );
  });
});
