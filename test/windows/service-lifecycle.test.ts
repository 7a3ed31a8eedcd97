// e2e: a Node script as a real service of the real SCM (Wine's under Wine).
import { writeFileSync } from 'node:fs';
import { describe, expect, inject, test } from 'vitest';
import { sc, toWindowsPath } from '../../scripts/windows-env.mjs';
import { manage } from './harness/manage';
import { processesWith, startAndWaitRunning, stopAndWaitStopped, waitFor, waitForState, withService, withStopService } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('a Node script as a real SCM service', () => {
  test('sc start → RUNNING; sc stop → STOP_PENDING while cleanup runs → STOPPED with exit code 0, then the process exits', async () => {
    await withStopService('stop', { holdCleanup: true }, async (service) => {
      const running = await startAndWaitRunning(service.name);
      expect(running.win32ExitCode).toBe(0);
      await waitFor('the service to log running', () => service.lines().includes(`running ${service.name}`));

      const stopped = await sc(['stop', service.name]);
      expect(stopped.code, stopped.output).toBe(0);
      await waitFor('cleanup to begin', () => service.lines().includes('cleanup-begin'));
      // The fixture holds its cleanup until the release file exists: STOPPED must not come before it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pending = await waitForState(service.name, 'STOP_PENDING', 1_000);
      expect(pending.checkPoint).toBeGreaterThanOrEqual(1);
      expect(pending.waitHint).toBe(10_000);
      expect(service.lines()).not.toContain('cleanup-end');

      writeFileSync(service.release, '');
      const final = await waitForState(service.name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      expect(final.serviceExitCode).toBe(0);
      await waitFor('the process to exit', () => service.lines().some((line) => line.startsWith('exit ')));
      expect(service.lines()).toEqual([`running ${service.name}`, 'stop scm-stop', 'cleanup-begin', 'cleanup-end', 'exit 0']);
    });
  });

  // The SCM takes no control in STOP_PENDING (ERROR_SERVICE_CANNOT_ACCEPT_CTRL): a second stop joins the first.
  test('servicehost/manage stop() of a service already stopping waits for STOPPED instead of failing', async () => {
    await withStopService('stop-join', { holdCleanup: true }, async (service) => {
      await startAndWaitRunning(service.name);
      expect((await sc(['stop', service.name])).code).toBe(0);
      await waitFor('cleanup to begin', () => service.lines().includes('cleanup-begin'));
      const joined = manage([{ op: 'stop', name: service.name }, { op: 'query', name: service.name }]);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      writeFileSync(service.release, '');
      const [stopped, queried] = await joined;
      expect(stopped, JSON.stringify(stopped)).toMatchObject({ ok: true });
      expect(queried).toMatchObject({ ok: true, value: { state: 'stopped' } });
      expect(service.lines().filter((line) => line.startsWith('stop '))).toEqual(['stop scm-stop']);
    });
  });

  // STOPPED is the SCM's word; the process can live on after it. A stop that
  // returned then would let a start, or a replacement of the program's files
  // (which Windows locks while it runs), meet the old process.
  test('servicehost/manage stop() returns once the process has ended, not at STOPPED alone', async () => {
    await withService('stop-gone', { script: 'raw-service.js', args: ['3000'] }, async (service) => {
      await startAndWaitRunning(service.name);
      const [stopped] = await manage([{ op: 'stop', name: service.name }]);
      expect(stopped, JSON.stringify(stopped)).toMatchObject({ ok: true });
      // Read as soon as the stop returned: the process lingered 3 s past STOPPED, so without the wait it is still there.
      expect(service.records()).toContainEqual({ lingered: 3000 });
      expect(service.records().at(-1)).toEqual({ exit: true });
    });
  });

  test('a non-zero outcome reaches the SCM as 1066 plus the service-specific code, and the process exits with it', async () => {
    await withStopService('exitcode', { exitCode: 42 }, async (service) => {
      await startAndWaitRunning(service.name);
      const final = await stopAndWaitStopped(service.name);
      expect(final.win32ExitCode).toBe(1066);
      expect(final.serviceExitCode).toBe(42);
      // Wine's dispatcher returns once services.exe has taken STOPPED (a loaded machine delays it); the
      // process then exits with the code. On a timeout, say what the fixture got to and whether it still runs.
      await waitFor('the process to exit', () => service.lines().includes('exit 42')).catch((error: Error) => {
        throw new Error(`${error.message}; its log: ${JSON.stringify(service.lines())}; its process: ${JSON.stringify(processesWith(toWindowsPath(service.log)))}`);
      });
    });
  });

  test('a second sc stop of a stopped service is refused by the SCM, and nothing is reported twice', async () => {
    await withStopService('twice', {}, async (service) => {
      await startAndWaitRunning(service.name);
      await stopAndWaitStopped(service.name);
      await waitFor('the process to exit', () => service.lines().includes('exit 0'));
      expect((await sc(['stop', service.name])).code).not.toBe(0);
      expect(service.lines().filter((line) => line.startsWith('stop '))).toEqual(['stop scm-stop']);
    });
  });
});
