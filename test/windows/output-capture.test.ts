// e2e: a service's output captured at the OS level by the register preload
// (lib/windows/output-capture.ts, cpp/win/std_capture.cc): stdout, stderr,
// Node's own uncaught-error report, process.abort()'s last words and a child's
// inherited output all land in <log dir>/output.log; rotation under load
// loses and repeats no line while another process holds the file open.
//
// Wine's services.exe ignores the Environment value install writes, so the
// SERVICEHOST_LOG_* variables reach the service through node's --env-file.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, runWindows, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { capturedLogFiles, isRotatedLogName } from '../../lib/windows/output-capture-files';
import { fixturesDir, scratchDir, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');
const registerCjs = toWindowsPath(path.join(repoRoot, 'dist', 'register.js'));

interface Capture {
  logDir: string;
  nodeArgs: string[];
}

function captureInto(label: string, variables: Record<string, string> = {}): Capture {
  const dir = scratchDir(`${label}-capture`);
  const logDir = path.join(dir, 'logs');
  const envFile = path.join(dir, 'capture.env');
  const lines = Object.entries({ SERVICEHOST_LOG_DIR: toWindowsPath(logDir), ...variables }).map(([key, value]) => `${key}=${value}`);
  writeFileSync(envFile, `${lines.join('\n')}\n`);
  return { logDir, nodeArgs: [`--env-file=${toWindowsPath(envFile)}`, '-r', registerCjs] };
}

function output(capture: Capture): string {
  const file = path.join(capture.logDir, 'output.log');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function marks(service: RunningFixture): string[] {
  return service.records().map((record) => String(record.event));
}

describe.skipIf(!ring.available)('output capture (SERVICEHOST_LOG_DIR, register preload)', () => {
  test('console.log, console.error and an uncaught error: the lines and the stack are in output.log; the variables are gone', async () => {
    const capture = captureInto('throw');
    await withService('capture-throw', { script: 'output-service.js', args: ['throw'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      await waitFor('the uncaught error in output.log', () => output(capture).includes('Node.js v'), 20_000);
      const text = output(capture);
      expect(text).toContain('capture fixture: a line on stdout\n');
      expect(text).toContain('capture fixture: a line on stderr\n');
      expect(text).toMatch(/Error: capture fixture: an uncaught error\n\s+at Timeout\._onTimeout \(.*output-service\.js:\d+:\d+\)/u);
      expect(text.indexOf('a line on stdout')).toBeLessThan(text.indexOf('a line on stderr'));
      expect(service.records()[0]).toMatchObject({ event: 'started', variablesRemoved: true, stdoutFd: 1 });
      // register's early exit reports the uncaught error (75) as the service's own code.
      expect(await waitForState(service.name, 'STOPPED', 15_000)).toMatchObject({ serviceExitCode: 75 });
    });
  });

  test("process.abort(): the last line before it, and Node's native report, are in output.log", async () => {
    const capture = captureInto('abort');
    await withService('capture-abort', { script: 'output-service.js', args: ['abort'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      await waitFor('the abort report in output.log', () => /Native stack trace/u.test(output(capture)), 20_000);
      expect(marks(service)).toContain('aborting');
      const text = output(capture);
      expect(text.indexOf('capture fixture: the last line before abort\n')).toBeGreaterThanOrEqual(0);
      expect(text.indexOf('the last line before abort')).toBeLessThan(text.indexOf('Native stack trace'));
    });
  });

  test("a child started with stdio 'inherit' writes into the same file", async () => {
    const capture = captureInto('child');
    await withService('capture-child', { script: 'output-service.js', args: ['child'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      await waitFor('the child to end', () => service.records().find((record) => record.event === 'child-exit'), 20_000);
      expect(service.records().find((record) => record.event === 'child-exit')).toMatchObject({ status: 0 });
      await waitFor('the parent line after the child', () => output(capture).includes('after the child'), 10_000);
      expect(output(capture)).toContain("capture fixture: the child's line\ncapture fixture: after the child\n");
    });
  });

  test('rotation under 100,000 lines with a reader holding output.log open: every kept line exactly once, in order; at most keep rotated files, none past the limit', async () => {
    const maxSize = 16_384;
    const keep = 5;
    const count = 100_000;
    const capture = captureInto('rotate', { SERVICEHOST_LOG_MAX_SIZE: String(maxSize), SERVICEHOST_LOG_KEEP: String(keep) });
    // The reader opens the file before the service writes a byte, and keeps it open throughout.
    mkdirSync(capture.logDir, { recursive: true });
    writeFileSync(path.join(capture.logDir, 'output.log'), '');
    const readerDir = scratchDir('capture-reader');
    const release = path.join(readerDir, 'release');
    const readerLog = path.join(readerDir, 'reader.log');
    const reader = runWindows(windowsNodeExe(), [
      toWindowsPath(path.join(fixturesDir, 'output-reader.js')),
      toWindowsPath(path.join(capture.logDir, 'output.log')),
      toWindowsPath(release),
      toWindowsPath(readerLog),
    ], { timeoutMs: 180_000 });
    try {
      await waitFor('the reader to open output.log', () => existsSync(readerLog) && readFileSync(readerLog, 'utf8').includes('reader-open'), 30_000).catch(async (error) => {
        throw new Error(`${(error as Error).message}; reader: ${JSON.stringify(await Promise.race([reader, 'still running']))}`);
      });
      await withService('capture-rotate', { script: 'output-service.js', args: ['loop', String(count)], nodeArgs: capture.nodeArgs }, async (service) => {
        expect((await sc(['start', service.name])).code).toBe(0);
        await waitFor('the write loop to end', () => marks(service).includes('loop-done'), 120_000);
        await waitForState(service.name, 'STOPPED', 15_000);
      });
    } finally {
      writeFileSync(release, '');
    }
    const finished = await reader;
    expect(finished.code, finished.stderr).toBe(0);
    const readerDone = readFileSync(readerLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event: string; bytes?: number });
    expect(readerDone.find((record) => record.event === 'reader-done')?.bytes).toBeGreaterThan(0);

    const names = readdirSync(capture.logDir);
    const files = capturedLogFiles(names);
    expect(files.length).toBe(names.length);
    const rotated = names.filter(isRotatedLogName);
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated.length).toBeLessThanOrEqual(keep);
    for (const name of files) expect(statSync(path.join(capture.logDir, name)).size, name).toBeLessThanOrEqual(maxSize);
    const lines = files.flatMap((name) => readFileSync(path.join(capture.logDir, name), 'utf8').split('\n').filter(Boolean));
    const numbers = lines.map((line) => {
      expect(line).toMatch(/^line \d{6}$/u);
      return Number(line.slice(5));
    });
    // The oldest files went (keep), so the lines kept are the last ones: a run ending at `count` with no gap or repeat.
    expect(numbers.at(-1)).toBe(count);
    expect(numbers[0]).toBeGreaterThan(1);
    numbers.forEach((value, index) => {
      if (index > 0 && value !== numbers[index - 1]! + 1) expect.fail(`line ${value} follows line ${numbers[index - 1]} (file order ${files.join(', ')})`);
    });
  }, 240_000);
});
