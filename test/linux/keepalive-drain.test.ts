// A stop under real keep-alive load: 50 client loops hammering a route on
// keep-alive connections and 20 slow requests in flight, in a client process
// of its own, while the example service is stopped by a real SIGTERM. Not one
// request the clients sent may be reset; every slow request finishes.
import { spawn, type ChildProcess } from 'node:child_process';
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
  const lines = new LineCollector<string>(child.stdout!, (line) => line);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

interface Summary {
  kind: 'summary';
  ok: number;
  reset: number;
  refused: number;
  other: number;
  otherCodes: Record<string, number>;
  slow: (number | string)[];
}

async function underLoad() {
  const server = spawnNode([path.join(repoRoot, 'examples', 'http-service.js')], { PORT: '0', POOL_SIZE: '200' });
  const listening = await server.lines.waitFor((line) => line.startsWith('listening on '));
  const port = Number(/:(\d+) /.exec(listening)![1]);
  const client = spawnNode([path.join(fixturesDir, 'hammer-client.js'), String(port), '50', '20', '/report?ms=1500']);
  const clientLines = new LineCollector<{ kind: string } & Partial<Omit<Summary, 'kind'>>>(client.child.stdout!, (line) => JSON.parse(line));
  await clientLines.waitFor((line) => line.kind === 'hammering', 20_000);
  // Let the slow requests reach the server, and the loops go round a while.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { server, summary: () => clientLines.waitFor((line) => line.kind === 'summary', 30_000) as Promise<Summary> };
}

describe.runIf(process.platform !== 'win32')('stop under keep-alive load', () => {
  test('SIGTERM: 0 resets, every slow request completes with 200, exit 0', async () => {
    const { server, summary } = await underLoad();
    server.child.kill('SIGTERM');
    const result = await summary();
    expect(result.ok).toBeGreaterThan(100);
    expect({ reset: result.reset, other: result.other, otherCodes: result.otherCodes }).toEqual({ reset: 0, other: 0, otherCodes: {} });
    expect(result.slow).toEqual(Array.from({ length: 20 }, () => 200));
    expect(await server.exited).toBe(0);
  });

  test('a duplicated SIGTERM during the drain is ignored: still 0 resets, the slow requests complete, exit 0', async () => {
    const { server, summary } = await underLoad();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    const result = await summary();
    expect(result.reset).toBe(0);
    expect(result.slow).toEqual(Array.from({ length: 20 }, () => 200));
    expect(await server.exited).toBe(0);
    expect(server.lines.items).toContain('stopping (SIGTERM)');
  });

  test('a second SIGINT (a person pressing Ctrl-C twice) forces the exit: 74, the slow requests are cut', async () => {
    const { server, summary } = await underLoad();
    server.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGINT');
    const result = await summary();
    expect(await server.exited).toBe(74);
    expect(result.slow.filter((status) => status !== 200).length).toBeGreaterThan(0);
  });
});
