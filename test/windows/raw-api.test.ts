// e2e: the raw SCM contract (servicehost/windows) in a real service: what the
// native status writer accepts and what it refuses, with typed errors.
import { describe, expect, inject, test } from 'vitest';
import { controlService, sc } from '../../scripts/windows-env.mjs';
import { startAndWaitRunning, waitFor, waitForState, withService } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('setServiceStatus in a real service', () => {
  test('before connect, progress, transitions and STOPPED exactly once', async () => {
    await withService('raw', { script: 'raw-service.js' }, async (service) => {
      await startAndWaitRunning(service.name);
      expect((await sc(['stop', service.name])).code).toBe(0);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      await waitFor('the dispatcher to return', () => service.records().some((record) => record.event === 'dispatcher-exit'));
      const attempts = Object.fromEntries(
        service.records().filter((record) => 'attempt' in record).map(({ attempt, ...rest }) => [attempt as string, rest]),
      );
      expect(attempts).toEqual({
        'before-connect': { code: 'ERR_SERVICEHOST_NOT_CONNECTED' },
        // ServiceMain reported checkpoint 1 natively; reported progress makes it 2.
        'start-progress': { state: 'start-pending', checkPoint: 2, accepted: [] },
        running: { state: 'running', checkPoint: 0, accepted: ['stop'] },
        // The dispatcher reported STOP_PENDING (checkpoint 1) when the stop arrived; this report is progress.
        'stop-pending': { state: 'stop-pending', checkPoint: 2, accepted: [] },
        'stopping-to-running': { code: 'ERR_SERVICEHOST_INVALID_TRANSITION' },
        stopped: { state: 'stopped', checkPoint: 0, accepted: [] },
        'stopped-again': { code: 'ERR_SERVICEHOST_ALREADY_STOPPED' },
      });
      const serviceMain = service.records().find((record) => record.event === 'service-main');
      expect(serviceMain?.serviceName).toBe(service.name);
    });
  });

  test('a throw inside onEvent reaches process.on("uncaughtException"), as any uncaught error does', async () => {
    await withService('raw-throw', { script: 'raw-service.js' }, async (service) => {
      await startAndWaitRunning(service.name);
      expect((await controlService('control', service.name, 210)).code).toBe(0);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final).toMatchObject({ win32ExitCode: 1066, serviceExitCode: 75 });
      expect(service.records()).toContainEqual({ uncaught: 'thrown in onEvent' });
    });
  });
});
