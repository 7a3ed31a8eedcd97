// Pause, continue and reload listeners receive an event, as every other
// listener does: plain data ({ type, reason, detail }) that survives
// JSON.stringify, the host's own object (made once per host, frozen), passed
// on as the host delivered it. The real hosts' events: posix-host.test.ts
// (SIGHUP), test/linux/json-events.test.ts and, under the SCM,
// test/windows/json-events.test.ts.
import { afterEach, expect, test } from 'vitest';
import type { HostEvent } from '../../lib/hosts/host';
import { Service } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

const services: Service[] = [];
afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

async function running() {
  const host = new RecordingHost();
  const service = new Service({ host, logger: recordingLogger(), handleUncaughtErrors: false });
  services.push(service);
  await service.start();
  return { host, service };
}

test('each pause, continue and reload listener is called with the host\'s event, which JSON.stringify takes whole', async () => {
  const { host, service } = await running();
  const heard: string[] = [];
  for (const type of ['pause', 'continue', 'reload'] as const) {
    service.on(type, (...args: unknown[]) => void heard.push(`${type} ${JSON.stringify(args)}`));
  }
  const pause: HostEvent = Object.freeze({ type: 'pause', reason: 'scm', detail: 'pause' });
  const resume: HostEvent = Object.freeze({ type: 'continue', reason: 'scm', detail: 'continue' });
  const reload: HostEvent = Object.freeze({ type: 'reload', reason: 'signal', detail: 'SIGHUP' });
  let passed: unknown;
  service.once('reload', (event) => void (passed = event));
  host.deliver(pause);
  host.deliver(resume);
  host.deliver(reload);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(heard).toEqual([
    'pause [{"type":"pause","reason":"scm","detail":"pause"}]',
    'continue [{"type":"continue","reason":"scm","detail":"continue"}]',
    'reload [{"type":"reload","reason":"signal","detail":"SIGHUP"}]',
  ]);
  // The host's fields as they are, plus the stop's signal (not enumerable, so not in the JSON above).
  expect(passed).toEqual(reload);
  expect((passed as { signal: AbortSignal }).signal).toBe(service.signal);
  expect(Object.isFrozen(passed)).toBe(true);
});
