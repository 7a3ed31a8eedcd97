// The checks every Node of the matrix goes through, on any runner: load from
// CommonJS and ESM (the package and each subpath), the addon in worker
// threads, a Service stop, and the HTTP drain with a request in flight.
import http from 'node:http';
import { expect } from 'vitest';
import { runToEnd, type Report, type Runner } from './runners';

export interface LoadExpectation {
  platform: 'linux' | 'win32';
  arch: 'x64' | 'arm64';
  managerPlatform: 'systemd' | 'windows';
}

export async function checkLoad(runner: Runner, script: 'fixtures/load.cjs' | 'fixtures/load.mjs', expected: LoadExpectation): Promise<void> {
  const { exit, reports, output } = await runToEnd(runner, script);
  expect(reports, output).toHaveLength(1);
  expect(reports[0], output).toMatchObject({
    kind: script.endsWith('.cjs') ? 'cjs' : 'esm',
    arch: expected.arch,
    Service: 'function',
    build: { platform: expected.platform, napiVersion: 8 },
    windowsCommandLine: 'function',
    install: 'function',
    managerPlatform: expected.managerPlatform,
  });
  expect(exit, output).toEqual({ code: 0, signal: null });
}

export async function checkWorker(runner: Runner, platform: string): Promise<void> {
  const { exit, reports, output } = await runToEnd(runner, 'fixtures/worker.cjs');
  expect(reports, output).toEqual([{ kind: 'worker', main: platform, workers: [platform, platform] }]);
  expect(exit, output).toEqual({ code: 0, signal: null });
}

function expectedStop(runner: Runner) {
  return runner.stopBy === 'ctrl-c' ? { reason: 'console', detail: 'ctrl-c' } : { reason: 'signal', detail: 'SIGTERM' };
}

export async function checkStop(runner: Runner, script = 'fixtures/service-stop.cjs'): Promise<void> {
  const launched = runner.launch(script);
  try {
    await launched.waitFor('running', (report) => report.event === 'running');
    launched.requestStop();
    const exit = await launched.exited;
    const reports = launched.reports();
    expect(reports.filter((report) => ['stop', 'stopped', 'exit'].includes(report.event as string)), launched.output()).toEqual([
      { event: 'stop', ...expectedStop(runner) },
      { event: 'stopped', exitCode: 0, forced: false },
      { event: 'exit', code: 0 },
    ]);
    // Under Wine the process's status comes through Python's pty.spawn.
    expect(exit, launched.output()).toEqual({ code: 0, signal: null });
  } finally {
    launched.kill();
  }
}

interface Answer {
  status?: number;
  body?: string;
  error?: string;
}

function get(port: number, agent: http.Agent): { answer: Promise<Answer> } {
  const answer = new Promise<Answer>((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/slow', agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
  return { answer };
}

/**
 * A keep-alive client (what browsers and Node 19+'s default agent do) has a
 * request in flight when the stop comes: it must get its 200, and the service
 * must exit 0 once the server is drained.
 */
export async function checkDrain(runner: Runner): Promise<{ answer: Answer; reports: Report[] }> {
  const launched = runner.launch('fixtures/http-drain.cjs', { env: { HOLD_MS: String(800 * Math.min(runner.slowness, 2)) } });
  const agent = new http.Agent({ keepAlive: true });
  try {
    const listening = await launched.waitFor('listening', (report) => report.event === 'listening');
    const { answer } = get(listening.port as number, agent);
    await launched.waitFor('the request to arrive', (report) => report.event === 'request');
    launched.requestStop();
    const [result, exit] = await Promise.all([answer, launched.exited]);
    const reports = launched.reports();
    const context = `${JSON.stringify(reports)}\n${launched.output()}`;
    expect(result, context).toEqual({ status: 200, body: 'done' });
    expect(reports.find((report) => report.event === 'stopped'), context).toMatchObject({ exitCode: 0, forced: false });
    expect(exit, context).toEqual({ code: 0, signal: null });
    return { answer: result, reports };
  } finally {
    agent.destroy();
    launched.kill();
  }
}
