// A teardown step that times out carries the error its signal aborted with
// (ERR_SERVICEHOST_STEP_TIMEOUT) in its result, as a failed step carries what it
// threw: in Teardown.run() for a step past its own timeout, and in the outcome's
// steps for the step under way when the stop deadline passed. JSON describes it.
import { afterEach, expect, test } from 'vitest';
import { Service } from '../../lib/lifecycle/service';
import { Teardown } from '../../lib/lifecycle/teardown';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

const services: Service[] = [];
afterEach(() => {
  for (const service of services.splice(0)) if (service.state === 'stopped') service.dispose();
});

test("a step past its own timeout: error is the ERR_SERVICEHOST_STEP_TIMEOUT its signal aborted with", async () => {
  const teardown = new Teardown();
  let aborted: unknown;
  teardown.defer('hangs', ({ signal }) => new Promise(() => signal.addEventListener('abort', () => (aborted = signal.reason))), { timeout: 20 });
  const [result] = await teardown.run();
  expect(result).toMatchObject({ name: 'hangs', outcome: 'timed-out', error: { code: 'ERR_SERVICEHOST_STEP_TIMEOUT' } });
  expect(result!.error).toBe(aborted);
  expect(JSON.parse(JSON.stringify(result))).toMatchObject({ error: { name: 'ServicehostError', code: 'ERR_SERVICEHOST_STEP_TIMEOUT', message: 'teardown step "hangs" overran its 20 ms' } });
});

test('the step under way at the stop deadline: timed-out with an error that names the deadline; those not started have none', async () => {
  const service = new Service({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false, stopTimeoutMs: 50 });
  services.push(service);
  service.defer('never started', () => {});
  service.defer('hangs', () => new Promise(() => {}), { timeout: 10_000 });
  await service.start();
  const outcome = await service.stop();
  expect(outcome.exitCode).toBe(73);
  expect(outcome.steps).toMatchObject([
    { name: 'hangs', outcome: 'timed-out', error: { code: 'ERR_SERVICEHOST_STEP_TIMEOUT', message: expect.stringContaining('50 ms deadline') } },
    { name: 'never started', outcome: 'not-run' },
  ]);
  expect(outcome.steps[1]).not.toHaveProperty('error');
});
