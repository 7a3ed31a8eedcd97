// `servicehost logs` and `status`'s last lines against the real SCM: a
// service's captured files read back in order across rotations, the last N,
// JSON, a follow that goes on across a rotation, and what a service with no
// output yet and a missing one say. The files are written by the test into
// the service's log folder (the default, %ProgramData%\servicehost\<name>\logs),
// as the capture names them; then a service whose output the register
// preload captures for real (rotating every half second), and a program that
// throws while it loads, whose install names the thrown error.
//
// The first four tests run side by side (test.concurrent): each has its own
// service and folders and measures no time, and most of their time is Windows
// Node starting. The last one times an install, so it runs alone.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manage, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, readLines, scratchDir, uniqueServiceName, waitFor } from './harness/service';

const ring = inject('windowsRing');

/** C:\ProgramData as this side sees it: the prefix's drive_c under Wine. */
const programData = isNativeWindows ? (process.env.ProgramData ?? 'C:\\ProgramData') : path.join(repoRoot, 'build', 'wine', 'drive_c', 'ProgramData');
const logFolder = (name: string): string => path.join(programData, 'servicehost', name, 'logs');

const numbered = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}\r\n`).join('');
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}`);

async function installStopped(name: string, windows: Record<string, unknown> = {}): Promise<void> {
  const spec = { name, script: toWindowsPath(path.join(fixturesDir, 'lifecycle-service.js')), start: false, allowWritable: true, windows: { startType: 'manual', ...windows } };
  const [installed] = await manage([{ op: 'install', spec }]);
  expect(installed!.ok, JSON.stringify(installed)).toBe(true);
}

async function withService(label: string, body: (name: string, folder: string) => Promise<void>, windows: Record<string, unknown> = {}): Promise<void> {
  const name = uniqueServiceName(label);
  const folder = logFolder(name);
  try {
    await installStopped(name, windows);
    await body(name, folder);
  } finally {
    await uninstallQuietly(name);
    rmSync(path.dirname(folder), { recursive: true, force: true });
  }
}

describe.skipIf(!ring.available)('servicehost logs under the SCM', () => {
  test.concurrent('the captured files in order across rotations; --lines; --json; status ends with the last lines', async () => {
    await withService('logs', async (name, folder) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'output.20261205T100000000Z.log'), numbered(1, 10));
      writeFileSync(path.join(folder, 'output.20261205T100000000Z-1.log'), numbered(11, 20));
      writeFileSync(path.join(folder, 'output.log'), numbered(21, 25));

      const all = await servicehostCommand(['logs', name]);
      expect(all.code, all.stderr).toBe(0);
      expect(all.stdout.split(/\r?\n/u).filter(Boolean)).toEqual(range(1, 25));

      const last = await servicehostCommand(['logs', name, '--lines', '7']);
      expect(last.stdout.split(/\r?\n/u).filter(Boolean)).toEqual(range(19, 25));

      const json = await servicehostCommand(['logs', name, '--lines', '2', '--json']);
      expect(JSON.parse(json.stdout)).toEqual({ name, source: expect.stringMatching(/servicehost\\.*\\logs$/u), lines: ['line 24', 'line 25'] });

      // A rotated file from before --since is skipped whole.
      const since = await servicehostCommand(['logs', name, '--since', '2026-12-05T10:00:00.500Z']);
      expect(since.stdout.split(/\r?\n/u).filter(Boolean)).toEqual(range(21, 25));

      const status = await servicehostCommand(['status', name, '--lines', '3']);
      expect(status.code).toBe(3); // installed, not running
      expect(status.stdout.trimEnd().split(/\r?\n/u).slice(-4)).toEqual(['', ...range(23, 25)]);
      const statusJson = await servicehostCommand(['status', name, '--json']);
      expect(JSON.parse(statusJson.stdout)).toMatchObject({ name, state: 'stopped', output: range(16, 25) });
      const bare = await servicehostCommand(['status', name, '--no-output', '--json']);
      expect(JSON.parse(bare.stdout).output).toBeUndefined();
    });
  });

  test.concurrent('a service with no output yet says so and exits 0; a missing one exits 4', async () => {
    await withService('logs-none', async (name, folder) => {
      // install makes the folder (with its ACL); the service never ran, so nothing is in it.
      expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
      const none = await servicehostCommand(['logs', name]);
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toBe('');
      expect(none.stderr).toContain(`${name} has written no output yet`);
      const status = await servicehostCommand(['status', name]);
      expect(status.stdout).toContain(`${name} has written no output yet`);
      expect(none.stderr).not.toContain('output capture');
    });
    await withService('logs-off', async (name) => {
      const off = await servicehostCommand(['logs', name]);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stderr).toContain(`${name} is not installed with output capture`);
      // status says the same, rather than "no output yet".
      const status = await servicehostCommand(['status', name]);
      expect(status.stdout).toContain(`${name} is not installed with output capture`);
      expect(status.stdout).not.toContain('has written no output yet');
    }, { logCapture: false });
    const missing = await servicehostCommand(['logs', uniqueServiceName('logs-missing'), '--json']);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND' });
  });

  test.concurrent('a follow shows new lines, and goes on across a rotation without losing or repeating one', async () => {
    await withService('logs-follow', async (name, folder) => {
      mkdirSync(folder, { recursive: true });
      const current = path.join(folder, 'output.log');
      writeFileSync(current, numbered(1, 5));
      const dir = scratchDir('logs-follow');
      const ready = path.join(dir, 'ready');
      const result = path.join(dir, 'result.json');
      // Each line the follow yields lands in `progress` as it comes: each step waits for the follow to have read the last, not for a guessed second.
      const progress = path.join(dir, 'progress');
      const stop = path.join(dir, 'stop');
      const follower = runWindows(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'logs-follow.js')), name, toWindowsPath(ready), toWindowsPath(result), '30000', toWindowsPath(progress), toWindowsPath(stop)], { timeoutMs: 60_000 });
      const followed = (line: string) => () => readLines(progress).includes(line);
      try {
        // Its first read (the last two lines) opened the files.
        await waitFor('the follow to begin', followed('line 5'), 30_000);
        appendFileSync(current, numbered(6, 7));
        await waitFor('the follow to show line 7', followed('line 7'), 15_000);
        // A rotation as the capture makes it: the current file renamed, a new one begun.
        appendFileSync(current, numbered(8, 8));
        renameSync(current, path.join(folder, 'output.20261205T120000000Z.log'));
        writeFileSync(current, numbered(9, 10));
        await waitFor('the follow to show line 10', followed('line 10'), 15_000);
        appendFileSync(current, numbered(11, 11));
        await waitFor('the follow to show line 11', followed('line 11'), 15_000);
        // Six more polls (250 ms each) for a line shown twice to show.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        writeFileSync(stop, '');
      }
      const run = await follower;
      expect(run.code, run.stderr).toBe(0);
      const seen = JSON.parse(readFileSync(result, 'utf8')) as { lines?: string[]; error?: string };
      expect(seen.error).toBeUndefined();
      expect(seen.lines).toEqual(range(4, 11));
    });
  });

  /**
   * Capture into a folder of the test's own: --log-dir (install writes it to the
   * service's Environment value, where `logs` reads it) and, as Wine's
   * services.exe ignores that value, the same variables through node's --env-file.
   */
  function captured(label: string, variables: Record<string, string> = {}): { logDir: string; args: string[] } {
    const dir = scratchDir(`${label}-capture`);
    const logDir = path.join(dir, 'logs');
    const envFile = path.join(dir, 'capture.env');
    const all = { SERVICEHOST_LOG_DIR: toWindowsPath(logDir), ...variables };
    writeFileSync(envFile, `${Object.entries(all).map(([key, value]) => `${key}=${value}`).join('\n')}\n`);
    const maxSize = variables.SERVICEHOST_LOG_MAX_SIZE === undefined ? [] : ['--log-max-size', variables.SERVICEHOST_LOG_MAX_SIZE];
    // --allow-writable: the checkout's build/ folder holds what others may write (the systemd-live guest's root), which the
    // least-privilege walk of the script's tree refuses; that refusal is not what these tests are about.
    // servicehost's own --environment-file: on Windows it becomes node's --env-file=<path> in the service's command line.
    return { logDir, args: ['--allow-writable', '--log-dir', toWindowsPath(logDir), ...maxSize, ...(isNativeWindows ? [] : ['--environment-file', toWindowsPath(envFile)])] };
  }

  const ticks = (lines: readonly string[]): number[] => lines.filter((line) => line.startsWith('tick ')).map((line) => Number(line.split(' ')[1]));

  test.concurrent('a captured service: logs shows its lines, a follow its new lines across real rotations (each once, none lost), status its last lines', async () => {
    const name = uniqueServiceName('logs-live');
    // A 210-byte line every 50 ms and a 2 KiB limit: a rotation about every half second.
    const capture = captured('logs-live', { SERVICEHOST_LOG_MAX_SIZE: '2048' });
    try {
      const installed = await servicehostCommand(['install', '--name', name, ...capture.args, '--', toWindowsPath(path.join(fixturesDir, 'ticking-service.js')), '50', '200']);
      expect(installed.code, installed.stderr).toBe(0);
      const rotated = (): string[] => (existsSync(capture.logDir) ? readdirSync(capture.logDir).filter((file) => file !== 'output.log') : []);
      await waitFor('two rotations', () => rotated().length >= 2, 30_000);

      const all = await servicehostCommand(['logs', name]);
      expect(all.code, all.stderr).toBe(0);
      const numbers = ticks(all.stdout.split(/\r?\n/u));
      expect(numbers.length).toBeGreaterThan(10);
      expect(numbers).toEqual(numbers.map((_, index) => numbers[0]! + index));

      const dir = scratchDir('logs-live-follow');
      const result = path.join(dir, 'result.json');
      const follow = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'logs-follow.js')), name, toWindowsPath(path.join(dir, 'ready')), toWindowsPath(result), '6000'], { timeoutMs: 60_000 });
      expect(follow.code, follow.stderr).toBe(0);
      const followed = ticks((JSON.parse(readFileSync(result, 'utf8')) as { lines: string[] }).lines);
      console.log(`followed ${followed.length} lines across rotations (${rotated().length} rotated files now)`);
      // At 20 lines a second for 6 s, across about ten rotations: every number once, in order.
      expect(followed.length).toBeGreaterThan(40);
      expect(followed).toEqual(followed.map((_, index) => followed[0]! + index));

      const status = await servicehostCommand(['status', name, '--lines', '3']);
      expect(status.code, status.stderr).toBe(0);
      const tail = ticks(status.stdout.trimEnd().split(/\r?\n/u).slice(-3));
      expect(tail).toHaveLength(3);
      expect(tail[0]!).toBeGreaterThan(followed[followed.length - 1]! - 5);
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('install of a program that throws while loading: exit 8 within seconds, and the thrown error in its own output', async () => {
    const name = uniqueServiceName('logs-throw');
    const capture = captured('logs-throw');
    try {
      const started = Date.now();
      const install = await servicehostCommand(['install', '--name', name, ...capture.args, '--', toWindowsPath(path.join(fixturesDir, 'import-throw.js'))]);
      const ms = Date.now() - started;
      console.log(`install of an import-time throw, captured: exit ${install.code} after ${ms} ms\n${install.stderr}`);
      expect(install.code, install.stderr).toBe(8);
      expect(ms).toBeLessThan(15_000);
      expect(install.stderr).toMatch(/Its last \d+ lines:/u);
      expect(install.stderr).toContain('Error: import-throw fixture: this program fails while loading');
    } finally {
      await uninstallQuietly(name);
    }
  });
});
