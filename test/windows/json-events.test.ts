// e2e: events are plain data. A Service under the real SCM whose listeners log
// JSON.stringify(event) for every kind of event hears each one, stops with
// exit 0, and every line parses back (fixtures/json-events-service.js); so
// does a service on the raw contract (fixtures/json-events-raw.js).
import { describe, expect, inject, test } from 'vitest';
import { controlService, parseStatus } from '../../scripts/windows-env.mjs';
import { startAndWaitRunning, stopAndWaitStopped, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');

type Heard = { event: string; args: Record<string, unknown>[]; heardAt: number };

function heard(service: RunningFixture, event: string): Heard[] {
  return service.records().filter((record) => record.event === event) as Heard[];
}

async function waitToHear(service: RunningFixture, event: string, match: (args: Record<string, unknown>[]) => boolean = () => true): Promise<Heard> {
  return waitFor(`the service to hear ${event}`, () => heard(service, event).find((record) => match(record.args)), 10_000).catch((error: Error) => {
    throw new Error(`${error.message}\nlog:\n${service.lines().join('\n')}`);
  });
}

describe.skipIf(!ring.available)('events are plain data', () => {
  test('a listener that logs JSON.stringify(event) for custom, pause, continue, reload, power, session, control and stop runs to STOPPED with exit 0', async () => {
    await withService('json-events', { script: 'json-events-service.js' }, async (service) => {
      await startAndWaitRunning(service.name);
      await waitToHear(service, 'running');

      expect((await controlService('control', service.name, 128)).code).toBe(0);
      const custom = await waitToHear(service, 'custom', ([event]) => event?.code === 128);
      expect(custom.args[0]).toMatchObject({ type: 'custom', control: 'custom', code: 128, repeats: 1 });
      // A number of ms on the clock of Number(process.hrtime.bigint()) / 1e6: the wait for the loop, and it is short.
      const receivedAt = custom.args[0]!.receivedAt as number;
      expect(typeof receivedAt).toBe('number');
      expect(custom.heardAt - receivedAt).toBeGreaterThanOrEqual(0);
      expect(custom.heardAt - receivedAt).toBeLessThan(5_000);

      expect(parseStatus((await controlService('pause', service.name)).output).state).toBe('PAUSE_PENDING');
      await waitForState(service.name, 'PAUSED', 10_000);
      expect((await controlService('continue', service.name)).code).toBe(0);
      await waitForState(service.name, 'RUNNING', 10_000);
      expect((await controlService('control', service.name, 6)).code).toBe(0);
      expect((await controlService('interrogate', service.name)).code).toBe(0);
      expect((await controlService('control', service.name, 242)).code).toBe(0);
      await waitToHear(service, 'control', ([event]) => event?.control === 'deviceevent');

      const stopped = await stopAndWaitStopped(service.name);
      expect([stopped.win32ExitCode, stopped.serviceExitCode]).toEqual([0, 0]);
      await waitToHear(service, 'exit');
      // Every line parsed (records() is JSON.parse of each), and each kind was heard whole.
      expect(heard(service, 'exit')[0]).toMatchObject({ code: 0 });
      expect(heard(service, 'pause').map(({ args }) => args)).toEqual([[{ type: 'pause', reason: 'scm', detail: 'pause' }]]);
      expect(heard(service, 'continue').map(({ args }) => args)).toEqual([[{ type: 'continue', reason: 'scm', detail: 'continue' }]]);
      expect(heard(service, 'reload').map(({ args }) => args)).toEqual([[{ type: 'reload', reason: 'scm', detail: 'paramchange' }]]);
      expect(heard(service, 'stop')[0]!.args).toEqual([{ reason: 'scm-stop' }]);
      // Contained, not equal: on windows-latest the real SCM may send a power or session change of its own.
      expect(heard(service, 'power').map(({ args }) => args[0])).toContainEqual(
        expect.objectContaining({ type: 'power', eventType: 0x8013, powerSetting: '{5D3E9A59-E9D5-4B00-A6BD-FF34FF516548}', data: { type: 'Buffer', data: [1, 0, 0, 0] } }),
      );
      expect(heard(service, 'session').map(({ args }) => args[0])).toContainEqual(expect.objectContaining({ type: 'session', eventType: 5, sessionId: 3 }));
      const controls = heard(service, 'control').map(({ args: [event] }) => event!.control);
      expect(controls).toEqual(expect.arrayContaining(['interrogate', 'timechange', 'deviceevent']));
      for (const { event, args } of [...heard(service, 'custom'), ...heard(service, 'power'), ...heard(service, 'session'), ...heard(service, 'control')]) {
        expect(typeof args[0]!.receivedAt, `${event}: ${JSON.stringify(args[0])}`).toBe('number');
      }
    });
  });

  test('the raw contract too: service-main, a custom control, stop and dispatcher-exit survive JSON.stringify; receivedAt is ms on the hrtime clock', async () => {
    await withService('json-events-raw', { script: 'json-events-raw.js' }, async (service) => {
      await startAndWaitRunning(service.name);
      expect((await controlService('control', service.name, 130)).code).toBe(0);
      await stopAndWaitStopped(service.name);
      const events = () => service.records().filter((record) => 'event' in record) as { event: Record<string, unknown>; heardAt: number }[];
      // Wine's dispatcher returns once services.exe has taken STOPPED, which a loaded machine can delay.
      await waitFor('the dispatcher to return', () => events().some(({ event }) => event.type === 'dispatcher-exit'), 30_000);
      expect(service.records().filter((record) => 'uncaught' in record)).toEqual([]);
      expect(events().map(({ event }) => event.type)).toEqual(['service-main', 'custom', 'stop', 'dispatcher-exit']);
      expect(events()[0]!.event).toMatchObject({ serviceName: service.name, args: [] });
      expect(events()[1]!.event).toMatchObject({ code: 130, repeats: 1 });
      for (const { event, heardAt } of events()) {
        expect(typeof event.receivedAt, JSON.stringify(event)).toBe('number');
        expect(heardAt - (event.receivedAt as number)).toBeGreaterThanOrEqual(0);
        expect(heardAt - (event.receivedAt as number)).toBeLessThan(5_000);
      }
    });
  });
});
