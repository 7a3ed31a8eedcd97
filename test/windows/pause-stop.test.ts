// Under the SCM: a stop that arrives while a pause listener runs aborts the
// listener's event signal, waits for the listener to settle, then runs the
// teardown; the service ends STOPPED with exit code 0 (fixtures/pause-stop-service.js).
import { describe, expect, inject, test } from 'vitest';
import { controlService } from '../../scripts/windows-env.mjs';
import { startAndWaitRunning, stopAndWaitStopped, waitFor, withService } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('a stop during a pause', () => {
  test('the pause listener hears the abort and finishes before the teardown; STOPPED with 0', async () => {
    await withService('pause-stop', { script: 'pause-stop-service.js', args: [JSON.stringify({ pauseMs: 1500 })] }, async (service) => {
      await startAndWaitRunning(service.name);
      await waitFor('the service to run', () => service.records().some((record) => record.event === 'running'), 10_000);
      expect((await controlService('pause', service.name)).code).toBe(0);
      await waitFor('the pause listener to begin', () => service.records().find((record) => record.event === 'pause-begins'), 10_000);
      const stopped = await stopAndWaitStopped(service.name);
      await waitFor('the process to exit', () => service.records().find((record) => record.event === 'exit'), 10_000);
      const events = service.records().map((record) => record.event);
      expect(events, service.lines().join('\n')).toEqual(['running', 'pause-begins', 'pause-aborted', 'pause-ends', 'step', 'exit']);
      expect(service.records().find((record) => record.event === 'pause-begins')).toMatchObject({ signalIsAbortSignal: true, aborted: false });
      expect(service.records().find((record) => record.event === 'pause-aborted')).toMatchObject({ code: 'ERR_SERVICEHOST_STOPPED' });
      expect(service.records().find((record) => record.event === 'exit')).toMatchObject({ code: 0 });
      expect(stopped).toMatchObject({ state: 'STOPPED' });
    });
  });
});
