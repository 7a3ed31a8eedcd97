// e2e: the platform-neutral Service under the real SCM. Start progress and a
// slow teardown show as advancing checkpoints in `sc query`; outcomes reach
// the SCM as exit codes from the one table.
import { describe, expect, inject, test } from 'vitest';
import { controlService, queryService, sc } from '../../scripts/windows-env.mjs';
import { startAndWaitRunning, stopAndWaitStopped, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');
const ERROR_SERVICE_SPECIFIC_ERROR = 1066;

function lifecycleService(label: string, options: Record<string, unknown>, body: (service: RunningFixture) => Promise<void>) {
  return withService(label, { script: 'lifecycle-service.js', args: [JSON.stringify(options)] }, body);
}

async function watchCheckpoints(name: string, state: string, until: string): Promise<number[]> {
  const seen = new Set<number>();
  await waitFor(until, async () => {
    const status = await queryService(name);
    if (status.state === state && status.checkPoint !== undefined) seen.add(status.checkPoint);
    return status.state === until || undefined;
  }, 30_000);
  return [...seen].sort((a, b) => a - b);
}

describe.skipIf(!ring.available)('the Service facade under the SCM', () => {
  test('start progress advances START_PENDING checkpoints; a slow teardown advances STOP_PENDING ones with each step\'s wait hint', async () => {
    // Each sample is a Wine process (0.3 s, over 1 s on a loaded machine): steps long enough that three are seen.
    await lifecycleService('facade', { startSteps: 4, startStepMs: 900, stopSteps: 4, stopStepMs: 1_000, stepTimeoutMs: 7_000 }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      const starting = await watchCheckpoints(service.name, 'START_PENDING', 'RUNNING');
      expect(starting.length, `start checkpoints: ${starting.join(', ')}`).toBeGreaterThanOrEqual(3);
      await waitFor('running', () => service.records().some((r) => r.event === 'running'), 10_000);
      expect(service.records()[0]).toEqual({ event: 'host', kind: 'windows-service' });
      expect(service.records().find((r) => r.event === 'running')?.name).toBe(service.name);

      expect((await sc(['stop', service.name])).code).toBe(0);
      const hints = new Set<number>();
      const stopping = new Set<number>();
      await waitFor('STOPPED', async () => {
        const status = await queryService(service.name);
        if (status.state === 'STOP_PENDING') {
          if (status.checkPoint !== undefined) stopping.add(status.checkPoint);
          if (status.waitHint !== undefined) hints.add(status.waitHint);
        }
        return status.state === 'STOPPED' || undefined;
      }, 30_000);
      expect(stopping.size, `stop checkpoints: ${[...stopping].join(', ')}`).toBeGreaterThanOrEqual(3);
      expect([...hints]).toEqual([8_000]);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      await waitFor('exit', () => service.records().some((r) => r.event === 'exit'), 10_000);
      expect(service.records().filter((r) => r.event === 'stop-step').map((r) => r.step)).toEqual([4, 3, 2, 1]);
      expect(service.records().find((r) => r.event === 'stop')).toEqual({ event: 'stop', reason: 'scm-stop' });
      expect(service.records().find((r) => r.event === 'exit')).toEqual({ event: 'exit', code: 0 });
    });
  });

  test('pause and continue listeners: PAUSED after the pause work, RUNNING after continue', async () => {
    await lifecycleService('facade-pause', { pause: true }, async (service) => {
      await startAndWaitRunning(service.name);
      expect((await controlService('pause', service.name)).code).toBe(0);
      await waitForState(service.name, 'PAUSED');
      expect(service.records().some((r) => r.event === 'paused-work')).toBe(true);
      expect((await controlService('continue', service.name)).code).toBe(0);
      await waitForState(service.name, 'RUNNING');
      expect(service.records().filter((r) => r.event === 'state').map((r) => r.state)).toEqual(['running', 'pausing', 'paused', 'continuing', 'running']);
      await stopAndWaitStopped(service.name);
    });
  });

  test('a failing teardown step reaches the SCM as 1066 with service-specific code 72', async () => {
    await lifecycleService('facade-step', { stopSteps: 2, failStep: 2 }, async (service) => {
      await startAndWaitRunning(service.name);
      const final = await stopAndWaitStopped(service.name);
      expect(final).toMatchObject({ win32ExitCode: ERROR_SERVICE_SPECIFIC_ERROR, serviceExitCode: 72 });
      await waitFor('exit', () => service.records().some((r) => r.event === 'exit'), 10_000);
      expect(service.records().find((r) => r.event === 'exit')).toEqual({ event: 'exit', code: 72 });
    });
  });

  test('a start that throws ends START_PENDING in STOPPED with service-specific code 70, never RUNNING', async () => {
    await lifecycleService('facade-fail', { startSteps: 1, startStepMs: 100, failStart: true }, async (service) => {
      expect((await sc(['start', service.name])).code).toBe(0);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final).toMatchObject({ win32ExitCode: ERROR_SERVICE_SPECIFIC_ERROR, serviceExitCode: 70 });
      await waitFor('exit', () => service.records().some((r) => r.event === 'exit'), 10_000);
      expect(service.records().map((r) => r.event)).not.toContain('running');
      expect(service.records().find((r) => r.event === 'exit')).toEqual({ event: 'exit', code: 70 });
    });
  });
});
