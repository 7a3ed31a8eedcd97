// Docs are tests: every fenced block of README.md and docs/*.md, as written,
// by its doc-test mark (the convention in test/helpers/doc-blocks.ts):
//   run        written to its file in a scratch app, `node <file>` exits 0 (or expect-exit) by itself;
//   service    the same under a real AF_UNIX notify socket: READY=1, an optional HTTP probe,
//              SIGTERM, STOPPING=1, exit 0 (or expect-exit);
//   typecheck  fragments and every named program, in one TypeScript program against dist/*.d.ts;
//   windows-service  type-checked here, run under Wine's SCM by test/windows/docs-examples.test.ts;
//   systemd-live  shell lines: their mark, language and comments checked and counted here, run in a
//              real systemd by test/systemd-live/docs.test.ts;
//   skip:      counted, with its reason printed.
// The last describe proves the checks can fail, on Markdown samples in fixtures/docs-broken.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { extractDocBlocks, markOf, markProblems, selectedDocFiles, summarize, where, type DocBlock, type DocMark } from '../helpers/doc-blocks';
import { scratchWithPackage, typecheckBlocks } from '../helpers/doc-typecheck';
import { withPortLock } from '../helpers/port-lock';
import { repoRoot } from './helpers';
import { NotifyReceiver } from './harness/notify-receiver';

const RUN_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;

// Variables that would make a program think systemd (or a socket) started it.
const HOST_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'JOURNAL_STREAM', 'SYSTEMD_EXEC_PID', 'INVOCATION_ID'];

interface Child {
  /** The scratch app folder, removed after the run (a failure quotes the output). */
  app: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  running(): boolean;
}

/** `node <fileName>` in a fresh app folder holding the block as its file, with `servicehost` installed (linked). */
function startBlock(block: DocBlock, env: NodeJS.ProcessEnv = {}): Child {
  const app = scratchWithPackage('docs-app', repoRoot);
  writeFileSync(path.join(app, block.fileName!), block.body);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of HOST_VARIABLES) delete childEnv[name];
  const child = spawn(process.execPath, [block.fileName!], { cwd: app, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    app,
    output: () => `--- output of ${block.fileName} ---\n${output.trimEnd() || '(none)'}\n---`,
    exited,
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A `run` block: it must end by itself with the expected code. */
export async function runProgram(block: DocBlock, mark: DocMark, timeoutMs = RUN_TIMEOUT_MS): Promise<void> {
  const child = startBlock(block);
  try {
    const exit = await within(child.exited, timeoutMs, `${where(block)}: ${block.fileName} did not exit by itself`);
    const expected = mark.expectExit ?? 0;
    if (exit.code !== expected) throw new Error(`${where(block)}: ${block.fileName} exited ${exit.code ?? exit.signal}, expected ${expected}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  } finally {
    if (child.running()) child.kill('SIGKILL');
    rmSync(child.app, { recursive: true, force: true });
  }
}

function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy(new Error('no response within 5 s')));
    request.on('error', reject);
  });
}

/** A `service` block under a notify socket of the test's own: READY=1, the probe, SIGTERM, STOPPING=1, the exit code. */
export function runService(block: DocBlock, mark: DocMark, stopTimeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  return withPortLock(mark.httpPort, () => runServiceUnlocked(block, mark, stopTimeoutMs));
}

async function runServiceUnlocked(block: DocBlock, mark: DocMark, stopTimeoutMs: number): Promise<void> {
  const receiver = await NotifyReceiver.start('path');
  const child = startBlock(block, { NOTIFY_SOCKET: receiver.address });
  const name = `${where(block)}: ${block.fileName}`;
  try {
    const exitedEarly = child.exited.then((exit) => {
      throw new Error(`${name} exited ${exit.code ?? exit.signal} before READY=1`);
    });
    exitedEarly.catch(() => {}); // it settles either way; only the race below reads it
    await Promise.race([receiver.waitForLine('READY=1', READY_TIMEOUT_MS), exitedEarly]);
    if (mark.httpPort !== undefined) {
      const urlPath = mark.httpPath ?? '/';
      const status = await get(mark.httpPort, urlPath).catch((error: Error) => {
        throw new Error(`${name}: GET ${urlPath} on port ${mark.httpPort} after READY=1 failed: ${error.message}`);
      });
      if (status < 200 || status > 299) throw new Error(`${name}: GET ${urlPath} on port ${mark.httpPort} answered ${status}, expected 2xx`);
    }
    child.kill('SIGTERM');
    const exit = await within(child.exited, stopTimeoutMs, `${name} did not exit after SIGTERM`);
    const expected = mark.expectExit ?? 0;
    if (exit.code !== expected) throw new Error(`${name} exited ${exit.code ?? exit.signal} after SIGTERM, expected ${expected}`);
    await receiver.waitForLine('STOPPING=1', 1_000).catch(() => {
      throw new Error(`${name} exited without STOPPING=1; it sent: ${JSON.stringify(receiver.lines)}`);
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  } finally {
    if (child.running()) child.kill('SIGKILL');
    rmSync(child.app, { recursive: true, force: true });
    receiver.close();
  }
}

/** Every block that the type checker sees: typecheck fragments and all named JS/TS programs. */
export function typecheckTargets(blocks: readonly DocBlock[]): DocBlock[] {
  return blocks.filter((block) => {
    const mark = markOf(block);
    if (!mark || markProblems(block).length > 0 || mark.kinds.includes('skip')) return false;
    return mark.kinds.includes('typecheck') || block.fileName !== undefined;
  });
}

const blocks = extractDocBlocks(selectedDocFiles(repoRoot), repoRoot);
const marked = (kind: 'run' | 'service') => blocks.filter((block) => markOf(block)?.kinds.includes(kind) && markProblems(block).length === 0);

describe.runIf(process.platform === 'linux')('README.md and docs/*.md, as written', () => {
  test('README.md fits one screen: at most 150 lines, the rest is in docs/', () => {
    const lines = readFileSync(path.join(repoRoot, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines, 'README.md grew past 150 lines: move the detail to docs/').toBeLessThanOrEqual(150);
  });

  test('every fenced block has exactly one valid doc-test mark', () => {
    console.log(`[docs] ${summarize(blocks)}`);
    const offending = blocks.flatMap((block) => markProblems(block).map((problem) => `${where(block)}: ${problem}`));
    expect(offending, `blocks without a valid mark:\n${offending.join('\n')}`).toEqual([]);
  });

  test('typecheck: every fragment and every named program, in one program, against the published .d.ts', () => {
    const result = typecheckBlocks(typecheckTargets(blocks), repoRoot);
    console.log(`[docs] type-checked ${result.fragments} fragments and ${result.programs} programs`);
    expect(result.errors, `type errors in the docs:\n${result.errors.join('\n')}`).toEqual([]);
  });

  for (const block of marked('run')) {
    test(`run ${where(block)} ${block.fileName}`, () => runProgram(block, markOf(block)!), RUN_TIMEOUT_MS + 10_000);
  }

  for (const block of marked('service')) {
    test(`service ${where(block)} ${block.fileName}`, () => runService(block, markOf(block)!), READY_TIMEOUT_MS + STOP_TIMEOUT_MS + 10_000);
  }
});

// The checks themselves, on Markdown samples: a correct one passes, and each
// defect of the broken one is caught (break-and-see, kept).
describe.runIf(process.platform === 'linux')('the doc checks pass a correct sample (fixtures/docs-sample)', () => {
  const sample = extractDocBlocks(['test/linux/fixtures/docs-sample/README.md'], repoRoot);

  test('its marks are valid and counted, nested and ~~~ blocks included', () => {
    expect(sample.flatMap(markProblems)).toEqual([]);
    expect(summarize(sample)).toBe(
      '4 blocks: 1 run, 1 service, 1 windows-service, 1 typecheck, 0 systemd-live, 1 skipped\n  skip test/linux/fixtures/docs-sample/README.md:35: output sample',
    );
  });

  test('its fragment (with the prelude) and its programs type-check', () => {
    const result = typecheckBlocks(typecheckTargets(sample), repoRoot);
    expect(result).toEqual({ errors: [], fragments: 1, programs: 2 });
  });

  test('its service reaches READY=1, answers GET /healthz, and stops on SIGTERM with exit 0', async () => {
    const block = sample.find((b) => b.fileName === 'server.mjs')!;
    await runService(block, markOf(block)!);
  });

  test('its program exits with the expected code', async () => {
    const block = sample.find((b) => b.fileName === 'exits.js')!;
    await runProgram(block, markOf(block)!);
  });
});

describe.runIf(process.platform === 'linux')('the doc checks fail where they should (fixtures/docs-broken)', () => {
  const sample = 'test/linux/fixtures/docs-broken/README.md';
  const broken = extractDocBlocks([sample], repoRoot);
  const named = (fileName: string) => broken.find((block) => block.fileName === fileName)!;

  test('an unmarked block and a doubly marked one are listed by file:line', () => {
    const offending = broken.flatMap((block) => markProblems(block).map((problem) => `${where(block)}: ${problem}`));
    expect(offending).toEqual([
      `${sample}:6: no <!-- doc-test: ... --> mark on the line above`,
      `${sample}:12: 2 marks (lines 10, 10); exactly one is allowed`,
    ]);
  });

  test('a renamed export, a changed event shape and a complete program leaning on the prelude fail the type check', () => {
    const { errors } = typecheckBlocks(typecheckTargets(broken), repoRoot);
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^${sample}:19: TS2305: Module '"servicehost"' has no exported member 'ServiceHost'`, 'u')),
      expect.stringMatching(new RegExp(`^${sample}:26: TS2339: Property 'receivedAt' does not exist`, 'u')),
      expect.stringMatching(new RegExp(`^${sample}:32: TS2305: Module '"servicehost/windows"' has no exported member 'startDispatcher'`, 'u')),
      expect.stringMatching(new RegExp(`^${sample}:39: \`service\` is not declared: a complete program cannot use the typecheck prelude`, 'u')),
    ]);
  });

  test('a service that never stops fails, with its output', async () => {
    const block = named('never-stops.js');
    await expect(runService(block, markOf(block)!, 2_000)).rejects.toThrow(/never-stops\.js did not exit after SIGTERM within 2000 ms[\s\S]*stop requested/u);
  });

  test('a service whose port is not open at READY=1 fails', async () => {
    const block = named('late-listener.js');
    await expect(runService(block, markOf(block)!)).rejects.toThrow(/late-listener\.js: GET \/ on port \d+ after READY=1 failed: connect ECONNREFUSED/u);
  });

  test('a service whose start fails (it exits before READY=1) fails, with its output', async () => {
    const block = named('start-fails.js');
    await expect(runService(block, markOf(block)!)).rejects.toThrow(/start-fails\.js exited 70 before READY=1[\s\S]*no database/u);
  });

  test('a program that exits non-zero fails', async () => {
    const block = named('fails.js');
    await expect(runProgram(block, markOf(block)!)).rejects.toThrow(/fails\.js exited 3, expected 0[\s\S]*about to fail/u);
  });
});
