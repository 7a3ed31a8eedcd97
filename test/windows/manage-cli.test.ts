// The servicehost command in Windows Node against the real SCM: the whole
// life of a service, with --json for scripts and the documented exit codes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { toWindowsPath } from '../../scripts/windows-env.mjs';
import { manage, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, scratchDir, uniqueServiceName } from './harness/service';

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
});
