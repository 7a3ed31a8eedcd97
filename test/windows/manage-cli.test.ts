// The servicehost command in Windows Node against the real SCM: the whole
// life of a service, with --json for scripts and the documented exit codes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { queryService, runWindows, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manage, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, scratchDir, uniqueServiceName, waitFor, waitForState } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('servicehost command under the SCM', () => {
  test('install, start, status, restart, stop, status, uninstall, status: exit codes 0, 0, 0, 0, 0, 3, 0, 4', async () => {
    const name = uniqueServiceName('cli');
    const log = toWindowsPath(path.join(scratchDir('manage-cli'), 'argv.log'));
    try {
      const installed = await servicehostCommand(['install', '--name', name, '--no-start', '--start-type', 'manual', '--json', '--', toWindowsPath(path.join(fixturesDir, 'argv-service.js')), log, 'two words']);
      expect(installed.code, installed.stderr + installed.stdout).toBe(0);
      expect(JSON.parse(installed.stdout)).toMatchObject({ name, platform: 'windows', started: false });

      const started = await servicehostCommand(['start', name]);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toMatch(new RegExp(`${name}: running \\(pid \\d+\\)`, 'u'));

      const status = await servicehostCommand(['status', name, '--json']);
      expect(status.code).toBe(0);
      const running = JSON.parse(status.stdout);
      expect(running).toMatchObject({ name, state: 'running', argv: expect.arrayContaining(['two words']) });

      const restarted = await servicehostCommand(['restart', name, '--json']);
      expect(restarted.code, restarted.stderr).toBe(0);
      const again = JSON.parse(restarted.stdout);
      expect(again).toMatchObject({ state: 'running', pid: expect.any(Number) });
      expect(again.pid).not.toBe(running.pid);

      const stopped = await servicehostCommand(['stop', name]);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toMatch(new RegExp(`${name}: stopped`, 'u'));

      const after = await servicehostCommand(['status', name]);
      expect(after.code).toBe(3);
      expect(after.stdout).toMatch(/stopped/u);

      const removed = await servicehostCommand(['uninstall', name]);
      expect(removed.code, removed.stderr).toBe(0);
      const gone = await servicehostCommand(['status', name, '--json']);
      expect(gone.code).toBe(4);
      expect(JSON.parse(gone.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', systemCode: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060 });
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('stop prints progress while STOP_PENDING and exits 7 when the wait times out', async () => {
    const name = uniqueServiceName('cli-slow');
    const dir = scratchDir('manage-cli-slow');
    const release = path.join(dir, 'release');
    try {
      const script = toWindowsPath(path.join(fixturesDir, 'stop-service.js'));
      const installed = await servicehostCommand(['install', '--name', name, '--no-register', '--', script, toWindowsPath(path.join(dir, 'log')), toWindowsPath(release)]);
      expect(installed.code, installed.stderr).toBe(0);
      const stopped = await servicehostCommand(['stop', name, '--timeout', '1500']);
      expect(stopped.code).toBe(7);
      expect(stopped.stderr).toMatch(new RegExp(`${name}: stopping \\(checkpoint \\d+, wait hint 10000 ms\\)`, 'u'));
      expect(stopped.stderr).toMatch(/did not become stopped within 1500 ms/u);
    } finally {
      writeFileSync(release, '');
      await uninstallQuietly(name);
    }
  });

  test('list shows the services servicehost installed, with --json', async () => {
    const name = uniqueServiceName('cli-list');
    try {
      const [installed] = await manage([{ op: 'install', spec: { name, script: toWindowsPath(path.join(fixturesDir, 'argv-service.js')), start: false } }]);
      expect(installed!.ok).toBe(true);
      const listed = await servicehostCommand(['list', name, '--json']);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([{ name, displayName: name, state: 'stopped' }]);
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('status prints the command line as the SCM runs it, ready to paste, not JSON-quoted', async () => {
    const name = uniqueServiceName('cli-cmdline');
    const dir = scratchDir('manage cli cmdline');
    try {
      const script = toWindowsPath(path.join(fixturesDir, 'argv-service.js'));
      const installed = await servicehostCommand(['install', '--name', name, '--no-start', '--', script, toWindowsPath(path.join(dir, 'argv.log')), 'two words', 'C:\\path with space\\']);
      expect(installed.code, installed.stderr).toBe(0);
      const status = await servicehostCommand(['status', name]);
      const shown = /^ {2}command: {5}(.*)$/mu.exec(status.stdout)?.[1];
      const info = JSON.parse((await servicehostCommand(['status', name, '--json'])).stdout);
      expect(shown).toBe(info.commandLine);
      expect(info.commandLine).toBe(info.windows.imagePath);
      // CommandLineToArgvW quoting, as Windows itself splits it: no JSON escapes.
      expect(shown).toContain('"C:\\path with space\\\\"');
      expect(shown).not.toContain('\\\\path');
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('uninstall of a service stuck in START_PENDING: marked for deletion, exit 9 naming its process; gone once it ends', async () => {
    const name = uniqueServiceName('cli-stuck');
    const log = toWindowsPath(path.join(scratchDir('manage-cli-stuck'), 'log'));
    try {
      const options = JSON.stringify({ startSteps: 1, startStepMs: 600_000 });
      const installed = await servicehostCommand(['install', '--name', name, '--no-start', '--', toWindowsPath(path.join(fixturesDir, 'lifecycle-service.js')), log, options]);
      expect(installed.code, installed.stderr).toBe(0);
      expect((await sc(['start', name])).code).toBe(0);
      await waitForState(name, 'START_PENDING');
      const pid = JSON.parse((await servicehostCommand(['status', name, '--json'])).stdout).pid as number;
      expect(pid).toBeGreaterThan(0);
      const removed = await servicehostCommand(['uninstall', name, '--timeout', '2000']);
      expect(removed.code, removed.stderr).toBe(9);
      expect(removed.stderr).toMatch(new RegExp(`marked for deletion.*pid ${pid}.*starting`, 'u'));
      // The process goes: so does the service.
      await runWindows(windowsNodeExe(), ['-e', `process.kill(${pid})`]);
      await waitFor('the service to be gone', async () => !(await queryService(name)).exists, 20_000);
    } finally {
      await uninstallQuietly(name);
    }
  });
});
