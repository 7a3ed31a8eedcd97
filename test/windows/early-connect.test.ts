// e2e: `servicehost/register` connects to the SCM before the application's own
// (slow) imports run, and a control that arrives meanwhile is not lost.
import { writeFileSync } from 'node:fs';
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
const ERROR_CALL_NOT_IMPLEMENTED = 120;

describe.skipIf(!ring.available)('early connect with servicehost/register', () => {
  test.each([
    ['node -r servicehost/register', ['-r', registerCjs]],
    ['node --import servicehost/register', ['--import', registerEsm]],
  ])('%s: START_PENDING with our checkpoint while imports run; controls sent while the main thread is busy reach it, in order', async (_label, nodeArgs) => {
    // The imports and the busy loop each last until the test releases them (20 s only the bound, under the
    // register's 30 s wait hint): what the SCM says and what waits natively is seen while they run, however
    // slowly a loaded machine sends the controls.
    await withService('early', { script: 'early-service.js', nodeArgs, args: ['20'] }, async (service) => {
      const release = (name: string) => writeFileSync(path.join(service.dir, name), '');
      expect((await sc(['start', service.name])).code).toBe(0);
      await waitFor('imports to begin', () => events(service).includes('imports-begin'), 15_000);
      const during = await queryService(service.name);
      expect(events(service)).not.toContain('imports-end');
      // The native side reported START_PENDING before the application's code ran:
      // checkpoint 1 and the register's 30 s wait hint.
      expect(during).toMatchObject({ state: 'START_PENDING', checkPoint: 1, waitHint: 30_000 });
      // While START_PENDING the SCM itself lets no control through.
      expect((await controlService('control', service.name, 150)).code).toBe(ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
      expect(events(service)).not.toContain('imports-end');
      release('imports-done');

      await waitForState(service.name, 'RUNNING', 20_000);
      await waitFor('the main thread to be busy', () => events(service).includes('busy-begin'), 10_000);
      // Sent while the main thread is busy: they wait natively, none is lost.
      for (const code of [150, 151]) expect((await controlService('control', service.name, code)).code).toBe(0);
      expect((await controlService('interrogate', service.name)).code).toBe(0);
      expect(events(service)).not.toContain('busy-end');
      release('busy-done');

      await waitFor('the waiting controls to reach the program', () => events(service).includes('control'), 15_000);
      const records = service.records();
      const busyEnd = records.findIndex((record) => record.event === 'busy-end');
      expect(records.slice(busyEnd + 1)).toEqual([
        { event: 'custom', code: 150 },
        { event: 'custom', code: 151 },
        { event: 'control', control: 'interrogate' },
      ]);
      // No custom listener, no custom codes: the handler refuses them, and the caller hears it.
      expect((await controlService('control', service.name, 152)).code).toBe(0);
      await waitFor('the custom listener to go', () => events(service).includes('custom-off'), 10_000);
      // Windows hands the handler's ERROR_CALL_NOT_IMPLEMENTED to the caller; Wine's SCM answers success whatever the handler says.
      expect((await controlService('control', service.name, 153)).code).toBe(isNativeWindows ? ERROR_CALL_NOT_IMPLEMENTED : 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(service.records().filter((record) => record.event === 'custom').map((record) => record.code)).toEqual([150, 151, 152]);
      await stopAndWaitStopped(service.name);
    });
  });
});
