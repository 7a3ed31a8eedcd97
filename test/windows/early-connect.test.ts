// e2e: `servicehost/register` connects to the SCM before the application's own
// (slow) imports run, and a control that arrives meanwhile is not lost.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { controlService, isNativeWindows, queryService, repoRoot, sc, toWindowsPath } from '../../scripts/windows-env.mjs';
import { stopAndWaitStopped, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');

const registerCjs = toWindowsPath(path.join(repoRoot, 'dist', 'register.js'));
// --import takes a URL for an absolute path; under Wine, of the Z: path.
const registerEsm = isNativeWindows
  ? pathToFileURL(path.join(repoRoot, 'dist', 'register.mjs')).href
  : `file:///${toWindowsPath(path.join(repoRoot, 'dist', 'register.mjs')).replaceAll('\\', '/')}`;

function events(service: RunningFixture): unknown[] {
  return service.records().map((record) => record.event);
}

const ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;

describe.skipIf(!ring.available)('early connect with servicehost/register', () => {
  test.each([
    ['node -r servicehost/register', ['-r', registerCjs]],
    ['node --import servicehost/register', ['--import', registerEsm]],
  ])('%s: START_PENDING with our checkpoint while imports run; controls sent before the program listens reach it', async (_label, nodeArgs) => {
    await withService('early', { script: 'early-service.js', nodeArgs, args: ['4'] }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      await waitFor('imports to begin', () => events(service).includes('imports-begin'), 15_000);
      const during = await queryService(service.name);
      expect(events(service)).not.toContain('imports-end');
      // The native side reported START_PENDING before the application's code ran:
      // checkpoint 1 and the register's 30 s wait hint.
      expect(during).toMatchObject({ state: 'START_PENDING', checkPoint: 1, waitHint: 30_000 });
      // While START_PENDING the SCM itself lets no control through.
      expect((await controlService('control', service.name, 150)).code).toBe(ERROR_SERVICE_CANNOT_ACCEPT_CTRL);

      await waitForState(service.name, 'RUNNING', 20_000);
      await waitFor('the program to report running', () => events(service).includes('running'), 10_000);
      for (const code of [150, 151]) expect((await controlService('control', service.name, code)).code).toBe(0);
      expect((await controlService('interrogate', service.name)).code).toBe(0);
      expect(events(service)).not.toContain('listening');

      await waitFor('the held controls to reach the program', () => events(service).includes('control'), 15_000);
      const records = service.records();
      const listening = records.findIndex((record) => record.event === 'listening');
      expect(records.slice(listening + 1)).toEqual([
        { event: 'custom', code: 150 },
        { event: 'custom', code: 151 },
        { event: 'control', name: 'interrogate' },
      ]);
      await stopAndWaitStopped(service.name);
    });
  });
});
