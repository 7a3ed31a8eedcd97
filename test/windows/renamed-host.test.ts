// e2e: the addon loads in a renamed host executable (a copy of node.exe named
// electron.exe), as in Electron, where no module is called node.exe.
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { startAndWaitRunning, stopAndWaitStopped, waitFor, withStopService } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('the addon in a renamed host (electron.exe)', () => {
  test('loads in a console process: N-API resolves from the host executable', async () => {
    const script = 'const s = require(process.argv[1]); console.log(JSON.stringify({ argv0: process.argv0, build: s.nativeBuildInfo() }));';
    const result = await runWindows(windowsNodeExe({ renamed: true }), ['-e', script, toWindowsPath(repoRoot)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { argv0: string; build: { platform: string; napiVersion: number } };
    expect(path.win32.basename(report.argv0).toLowerCase()).toBe('electron.exe');
    expect(report.build).toMatchObject({ platform: 'win32', napiVersion: 8 });
  });

  test('runs as a real service: RUNNING, then a clean stop', async () => {
    await withStopService('electron', { renamedHost: true }, async (service) => {
      await startAndWaitRunning(service.name);
      const final = await stopAndWaitStopped(service.name);
      expect(final.win32ExitCode).toBe(0);
      await waitFor('the process to exit', () => service.lines().includes('exit 0'));
      expect(service.lines()).toEqual([`running ${service.name}`, 'stop scm-stop', 'cleanup-begin', 'cleanup-end', 'exit 0']);
    });
  });
});
