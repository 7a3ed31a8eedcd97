// e2e: the addon loads in a renamed host executable (a copy of node.exe named
// electron.exe), as in Electron, where no module is called node.exe.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, runWindows, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { createService, fixturesDir, readLines, removeService, scratchDir, uniqueServiceName, waitFor, waitForState } from './harness/service';

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
    const name = uniqueServiceName('electron');
    const dir = scratchDir('electron');
    const log = path.join(dir, 'service.log');
    const release = path.join(dir, 'release');
    writeFileSync(release, '');
    await createService(name, windowsNodeExe({ renamed: true }), [
      toWindowsPath(path.join(fixturesDir, 'stop-service.js')),
      toWindowsPath(log),
      toWindowsPath(release),
    ]);
    try {
      expect((await sc(['start', name])).code).toBe(0);
      await waitForState(name, 'RUNNING');
      expect((await sc(['stop', name])).code).toBe(0);
      const final = await waitForState(name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      await waitFor('the process to exit', () => readLines(log).includes('exit 0'));
      expect(readLines(log)).toEqual([`running ${name}`, 'stop scm-stop', 'cleanup-begin', 'cleanup-end', 'exit 0']);
    } finally {
      await removeService(name);
    }
  });
});
