// One copy of lib/errors.ts per copy of the package on Windows too
// (scripts/bundle.mjs): the Windows host, the raw contract, the SCM manager
// and the addon's Win32 errors throw require('servicehost')'s own
// ServicehostError, with the register preload loaded first as a service has it.
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { fixturesDir } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('one ServicehostError', () => {
  test("what the Windows code and the addon throw is require('servicehost')'s ServicehostError itself, with and without the register preload", async () => {
    const fixture = toWindowsPath(path.join(fixturesDir, 'one-copy.js'));
    for (const preload of [[], ['-r', toWindowsPath(path.join(repoRoot, 'dist', 'register.js'))]]) {
      const result = await runWindows(windowsNodeExe(), [...preload, fixture], { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      const one = { instance: true, sameClass: true };
      expect(JSON.parse(result.stdout)).toEqual({
        windowsHost: { code: 'ERR_INVALID_ARG_TYPE', ...one },
        rawContract: { code: 'ERR_SERVICEHOST_NOT_CONNECTED', ...one },
        // ServiceManagerError: a subclass, so instanceof and not the class itself.
        manager: { code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', instance: true, sameClass: false },
        // Made by the addon with the class the loader handed it.
        win32: { code: 'ERROR_SERVICE_DOES_NOT_EXIST', ...one },
      });
    }
  });
});
