// e2e: a service's output captured at the OS level by the register preload
// (lib/windows/output-capture.ts, cpp/win/std_capture.cc): stdout, stderr,
// Node's own uncaught-error report, process.abort()'s last words and a child's
// inherited output all land in <log dir>/output.log; rotation under load
// loses and repeats no line while another process holds the file open.
//
// Wine's services.exe ignores the Environment value install writes, so the
// SERVICEHOST_LOG_* variables reach the service through node's --env-file.
//
// The tests run side by side (test.concurrent): each has its own service,
// folders and names, none measures a time, and most of their time is spent
// waiting (the capture's 10 s size check and 10 s rotation retry, Windows
// Node start-ups), which one after another cost the Windows ring ~45 s.
// Their `sc start`s take turns (scStartInTurn): Wine's SCM runs one at a time.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { capturedLogLayout, orderRotated } from '../../lib/manage/logs-files';
import { fixturesDir, scStartInTurn, scratchDir, uniqueServiceName, waitFor, waitForState, withService, type RunningFixture } from './harness/service';
import { manage, manageOk, servicehostCommand } from './harness/manage';

const ring = inject('windowsRing');
// Wine keeps no DACL set on a folder: it reports its default one (SYSTEM and the prefix's user, full control) whatever was set.
const WINE_DEFAULT_DACL = /^D:\(A;OICI;FA;;;SY\)\(A;OICI;FA;;;S-1-5-21-[\d-]+\)$/u;
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

/**
 * Holds `file` open without FILE_SHARE_DELETE until `release` exists: under
 * Wine a mingw-built fixtures/share-holder.cc, on Windows PowerShell (whose
 * Get-Content opens files this way too).
 */
async function startShareHolder(dir: string, file: string, release: string, opened: string): Promise<{ done: ReturnType<typeof runWindows> }> {
  if (isNativeWindows) {
    const script = path.join(dir, 'hold.ps1');
    writeFileSync(script, "$f = [IO.File]::Open($args[0], 'Open', 'Read', 'ReadWrite'); New-Item -ItemType File $args[2] | Out-Null; while (-not (Test-Path $args[1])) { Start-Sleep -Milliseconds 20 }; $f.Close()\n");
    return { done: runWindows('powershell.exe', ['-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', script, file, release, opened], { timeoutMs: 120_000 }) };
  }
  const exe = path.join(dir, 'share-holder.exe');
  await promisify(execFile)('x86_64-w64-mingw32-g++-posix', ['-O2', '-municode', '-static', '-s', path.join(fixturesDir, 'share-holder.cc'), '-o', exe]);
  return { done: runWindows(toWindowsPath(exe), [toWindowsPath(file), toWindowsPath(release), toWindowsPath(opened)], { timeoutMs: 120_000 }) };
}

function marks(service: RunningFixture): string[] {
  return service.records().map((record) => String(record.event));
}

describe.skipIf(!ring.available)('output capture (SERVICEHOST_LOG_DIR, register preload)', () => {
  // First, as the longest: each waits for one of the capture's 10 s timers.
  test.concurrent("output that bypasses process.stdout (a child's) is rotated by the size check, with no write of the service's own", async () => {
    const capture = captureInto('flood', { SERVICEHOST_LOG_MAX_SIZE: '16384' });
    await withService('capture-flood', { script: 'output-service.js', args: ['flood', '3000'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      await waitFor('the child to write', () => marks(service).includes('flooded'), 20_000);
      const rotated = await waitFor('a rotation by the size check', () => {
        const names = orderRotated(capturedLogLayout(capture.logDir), readdirSync(capture.logDir));
        return names.length > 0 ? names : undefined;
      }, 25_000);
      expect(rotated).toHaveLength(1);
      const childLines = readFileSync(path.join(capture.logDir, rotated[0]!), 'utf8').split('\n').filter(Boolean);
      expect(childLines.length).toBe(3000);
      expect(childLines.at(-1)).toBe('child line 3000');
      expect(output(capture)).toBe('');
    });
  }, 60_000);

  test.concurrent('a reader holding output.log without delete sharing defers rotation (noted once in the file); once it lets go, the next write rotates, losing nothing', async () => {
    const capture = captureInto('held', { SERVICEHOST_LOG_MAX_SIZE: '16384' });
    mkdirSync(capture.logDir, { recursive: true });
    const current = path.join(capture.logDir, 'output.log');
    writeFileSync(current, '');
    const holderDir = scratchDir('capture-holder');
    const release = path.join(holderDir, 'release');
    const opened = path.join(holderDir, 'opened');
    const holder = await startShareHolder(holderDir, current, release, opened);
    try {
      await waitFor('the holder to open output.log', () => existsSync(opened), 30_000);
      await withService('capture-held', { script: 'output-service.js', args: ['loop', '5000', 'tick'], nodeArgs: capture.nodeArgs }, async (service) => {
        expect((await scStartInTurn(service.name)).code).toBe(0);
        await waitFor('the write loop to end', () => marks(service).includes('loop-done'), 60_000);
        expect(orderRotated(capturedLogLayout(capture.logDir), readdirSync(capture.logDir))).toEqual([]);
        expect(statSync(current).size).toBeGreaterThan(16_384);
        expect(output(capture).split('\n').filter((line) => line.includes('output.log not rotated'))).toHaveLength(1);

        writeFileSync(release, '');
        expect((await holder.done).code).toBe(0);
        const rotated = await waitFor('the rotation that waited', () => {
          const names = orderRotated(capturedLogLayout(capture.logDir), readdirSync(capture.logDir));
          return names.length > 0 ? names : undefined;
        }, 30_000);
        const lines = [...rotated, 'output.log'].flatMap((name) => readFileSync(path.join(capture.logDir, name), 'utf8').split('\n')).filter((line) => line.startsWith('line '));
        expect(lines).toEqual(Array.from({ length: 5000 }, (_, index) => `line ${String(index + 1).padStart(6, '0')}`));
      });
    } finally {
      writeFileSync(release, '');
      await holder.done;
    }
  }, 150_000);

  test.concurrent('console.log, console.error and an uncaught error: the lines and the stack are in output.log; the variables are gone', async () => {
    const capture = captureInto('throw');
    await withService('capture-throw', { script: 'output-service.js', args: ['throw'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
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

  test.concurrent("an uncaught error under Service: service.log's report of it, with the stack, is in output.log as well as the Event Log; STOPPED with 75", async () => {
    const capture = captureInto('service-throw');
    await withService('capture-svc-throw', { script: 'output-service.js', args: ['service-throw'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      const final = await waitForState(service.name, 'STOPPED', 20_000);
      expect(final).toMatchObject({ win32ExitCode: 1066, serviceExitCode: 75 });
      await waitFor('the error in output.log', () => output(capture).includes('capture fixture: thrown under Service'), 10_000);
      expect(output(capture)).toMatch(/error: .*capture fixture: thrown under Service[\s\S]*output-service\.js:\d+/u);
    });
  });

  test.concurrent("process.abort(): the last line before it, and Node's native report, are in output.log", async () => {
    const capture = captureInto('abort');
    await withService('capture-abort', { script: 'output-service.js', args: ['abort'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      await waitFor('the abort report in output.log', () => /Native stack trace/u.test(output(capture)), 20_000);
      expect(marks(service)).toContain('aborting');
      const text = output(capture);
      expect(text.indexOf('capture fixture: the last line before abort\n')).toBeGreaterThanOrEqual(0);
      expect(text.indexOf('the last line before abort')).toBeLessThan(text.indexOf('Native stack trace'));
    });
  });

  test.concurrent("V8 out of memory: Node's fatal error report is in output.log", async () => {
    const capture = captureInto('oom');
    const nodeArgs = ['--max-old-space-size=32', ...capture.nodeArgs];
    await withService('capture-oom', { script: 'output-service.js', args: ['oom'], nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      await waitFor('the fatal error in output.log', () => /FATAL ERROR: .*JavaScript heap out of memory/u.test(output(capture)), 60_000);
      expect(marks(service)).toContain('allocating');
      expect(output(capture)).toContain('capture fixture: allocating until V8 gives up\n');
    });
  }, 90_000);

  test.concurrent("a child started with stdio 'inherit' writes into the same file", async () => {
    const capture = captureInto('child');
    await withService('capture-child', { script: 'output-service.js', args: ['child'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      await waitFor('the child to end', () => service.records().find((record) => record.event === 'child-exit'), 20_000);
      expect(service.records().find((record) => record.event === 'child-exit')).toMatchObject({ status: 0 });
      await waitFor('the parent line after the child', () => output(capture).includes('after the child'), 10_000);
      expect(output(capture)).toContain("capture fixture: the child's line\ncapture fixture: after the child\n");
    });
  });

  test.concurrent('--log-timestamps stamps the lines written through process.stdout, not what a child writes', async () => {
    const capture = captureInto('stamps', { SERVICEHOST_LOG_TIMESTAMPS: '1' });
    await withService('capture-stamps', { script: 'output-service.js', args: ['child'], nodeArgs: capture.nodeArgs }, async (service) => {
      expect((await scStartInTurn(service.name)).code).toBe(0);
      await waitFor('the parent line after the child', () => output(capture).includes('after the child'), 20_000);
      const lines = output(capture).split('\n');
      expect(lines).toContain("capture fixture: the child's line");
      expect(lines.find((line) => line.endsWith('capture fixture: after the child'))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z capture fixture: after the child$/u);
      expect(marks(service)).toContain('child-exit');
    });
  });

  test.concurrent('rotation under 100,000 lines with a reader holding output.log open: every kept line exactly once, in order; at most keep rotated files, none past the limit', async () => {
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
        expect((await scStartInTurn(service.name)).code).toBe(0);
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
    const rotated = orderRotated(capturedLogLayout(capture.logDir), names);
    const files = [...rotated, 'output.log'];
    expect(files.length).toBe(names.length);
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

  test.concurrent('install makes the log folder with its ACL and passes the settings; uninstall keeps the logs and says where, --remove-logs deletes them', async () => {
    const name = uniqueServiceName('capture-install');
    const other = uniqueServiceName('capture-off');
    const logDir = path.join(scratchDir('capture-install'), 'logs');
    const script = toWindowsPath(path.join(fixturesDir, 'output-service.js'));
    try {
      const installed = await servicehostCommand([
        'install', '--name', name, '--log-dir', toWindowsPath(logDir), '--log-max-size', '64K', '--log-keep', '3', '--log-daily', '--log-timestamps', '--no-start', '--', script,
      ]);
      expect(installed.code, installed.stdout + installed.stderr).toBe(0);
      // Wine knows no NT SERVICE\ accounts: the folder's ACL leaves the account out, and install says so.
      if (isNativeWindows) expect(installed.stderr).not.toContain('does not name');
      else expect(installed.stderr).toContain(`does not name NT SERVICE\\${name} (ERROR_NONE_MAPPED)`);
      expect(existsSync(logDir)).toBe(true);
      // One Windows Node for both reads.
      const [queried, daclRead] = await manage([{ op: 'query', name }, { op: 'native', fn: 'fileDacl', args: [toWindowsPath(logDir)] }]);
      expect(queried!.ok && daclRead!.ok, JSON.stringify([queried, daclRead])).toBe(true);
      const info = (queried as { value: any }).value;
      expect(info.windows.environment).toMatchObject({
        SERVICEHOST_LOG_DIR: toWindowsPath(logDir),
        SERVICEHOST_LOG_MAX_SIZE: '65536',
        SERVICEHOST_LOG_KEEP: '3',
        SERVICEHOST_LOG_DAILY: '1',
        SERVICEHOST_LOG_TIMESTAMPS: '1',
      });
      const dacl = (daclRead as { value: string }).value;
      if (isNativeWindows) {
        // Protected; SYSTEM and Administrators full control, Users read and execute, NT SERVICE\<name> modify.
        expect(dacl).toMatch(/^D:PAI/u);
        for (const ace of ['(A;OICI;FA;;;SY)', '(A;OICI;FA;;;BA)', '(A;OICI;0x1200a9;;;BU)']) expect(dacl).toContain(ace);
        expect(dacl).toMatch(/\(A;OICI;0x1301bf;;;S-1-5-80-[\d-]+\)/u);
      } else {
        expect(dacl).toMatch(WINE_DEFAULT_DACL);
      }

      const removed = await servicehostCommand(['uninstall', name]);
      expect(removed.code, removed.stdout + removed.stderr).toBe(0);
      expect(removed.stdout).toContain(`Its output stays in ${toWindowsPath(logDir)} (--remove-logs deletes it).`);
      expect(existsSync(logDir)).toBe(true);

      const off = await servicehostCommand(['install', '--name', other, '--no-log-capture', '--no-start', '--', script]);
      expect(off.code, off.stdout + off.stderr).toBe(0);
      expect(Object.keys((await manageOk({ op: 'query', name: other })).windows.environment)).not.toContain('SERVICEHOST_LOG_DIR');

      const again = await servicehostCommand(['install', '--name', name, '--log-dir', toWindowsPath(logDir), '--no-start', '--', script]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const purged = await servicehostCommand(['uninstall', name, '--remove-logs']);
      expect(purged.code, purged.stdout + purged.stderr).toBe(0);
      expect(purged.stdout).not.toContain('stays in');
      expect(existsSync(logDir)).toBe(false);

      const refused = await servicehostCommand(['install', '--name', name, '--log-max-size', '10 apples', '--no-start', '--', script]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('--log-max-size');
      const [contradiction] = await manage([{ op: 'install', spec: { name, script, start: false, windows: { logCapture: false, logKeep: 3 } } }]);
      expect(contradiction).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_VALUE' } });
    } finally {
      await manage([{ op: 'uninstall', name }, { op: 'uninstall', name: other }]);
    }
  }, 180_000);
});
