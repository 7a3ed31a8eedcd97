// e2e: every control Wine's SCM delivers, through the real dispatcher, to a
// service that listens to all of them (fixtures/control-service.js).
import { describe, expect, inject, test } from 'vitest';
import { acceptedControlNames } from '../../lib/windows/codes';
import { controlService, parseStatus, queryService, sc } from '../../scripts/windows-env.mjs';
import { manageOk } from './harness/manage';
import { startAndWaitRunning, stopAndWaitStopped, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');

const ERROR_INVALID_PARAMETER = 87;
const ERROR_INVALID_SERVICE_CONTROL = 1052;

function hasRecord(service: RunningFixture, expected: Record<string, unknown>): boolean {
  return service.records().some((record) => Object.entries(expected).every(([key, value]) => JSON.stringify(record[key]) === JSON.stringify(value)));
}

async function expectRecord(service: RunningFixture, expected: Record<string, unknown>): Promise<void> {
  await waitFor(`the log to show ${JSON.stringify(expected)}`, () => hasRecord(service, expected), 10_000).catch((error: Error) => {
    throw new Error(`${error.message}\nlog:\n${service.lines().join('\n')}`);
  });
}

/** What the SCM itself says the service accepts, read back through QueryServiceStatusEx. */
async function acceptedBySCM(name: string): Promise<string[]> {
  const info = await manageOk({ op: 'query', name });
  return acceptedControlNames(info.windows.controlsAccepted);
}

function controlServiceFixture(label: string, options: Record<string, unknown>, body: (service: RunningFixture) => Promise<void>) {
  return withService(label, { script: 'control-service.js', args: [JSON.stringify(options)] }, async (service) => {
    await startAndWaitRunning(service.name);
    await expectRecord(service, { event: 'running' });
    await body(service);
  });
}

describe.skipIf(!ring.available)('every control the SCM delivers', () => {
  test('the accepted controls follow the listeners, plus the explicit ones', async () => {
    await controlServiceFixture('accepted', {}, async (service) => {
      expect(await acceptedBySCM(service.name)).toEqual(['stop', 'pause-continue', 'shutdown', 'paramchange', 'powerevent', 'sessionchange']);
      expect(service.records().find((record) => record.event === 'running')?.isWindowsService).toBe(true);
      // netbind is neither listened to nor asked for: the SCM refuses it before it reaches the service.
      expect((await controlService('control', service.name, 7)).code).toBe(ERROR_INVALID_SERVICE_CONTROL);
      // Listeners removed at run time: the SCM is told at once and refuses pause.
      expect((await controlService('control', service.name, 202)).code).toBe(0);
      await expectRecord(service, { event: 'unlistened' });
      expect(await acceptedBySCM(service.name)).toEqual(['stop', 'shutdown', 'paramchange', 'powerevent', 'sessionchange']);
      expect((await controlService('pause', service.name)).code).toBe(ERROR_INVALID_SERVICE_CONTROL);
      await stopAndWaitStopped(service.name);
      expect(hasRecord(service, { event: 'pause' })).toBe(false);
      expect(hasRecord(service, { event: 'control', control: 'netbindadd' })).toBe(false);
    });
    await controlServiceFixture('accepted-explicit', { acceptedControls: ['netbindchange'] }, async (service) => {
      expect(await acceptedBySCM(service.name)).toEqual(['stop', 'pause-continue', 'shutdown', 'paramchange', 'netbindchange', 'powerevent', 'sessionchange']);
      await stopAndWaitStopped(service.name);
    });
  });

  test('pause and continue: the control returns with PAUSE_PENDING, then PAUSED; CONTINUE_PENDING, then RUNNING', async () => {
    await controlServiceFixture('pause', { pauseDelayMs: 700 }, async (service) => {
      const paused = await controlService('pause', service.name);
      expect(paused.code, paused.output).toBe(0);
      // The dispatcher reported PAUSE_PENDING (checkpoint 1) before the control returned: no polling race.
      // The SCM reads the status back after the handler returns, by which time the pause listener may
      // already have reported progress: so checkpoint 1 or later (seen as 2 once under load).
      const pausedStatus = parseStatus(paused.output);
      expect(pausedStatus).toMatchObject({ state: 'PAUSE_PENDING', waitHint: 5000 });
      expect(pausedStatus.checkPoint).toBeGreaterThanOrEqual(1);
      await expectRecord(service, { event: 'pause' });
      await waitForState(service.name, 'PAUSED');

      const resumed = await controlService('continue', service.name);
      expect(resumed.code, resumed.output).toBe(0);
      const resumedStatus = parseStatus(resumed.output);
      expect(resumedStatus.state).toBe('CONTINUE_PENDING');
      expect(resumedStatus.checkPoint).toBeGreaterThanOrEqual(1);
      await expectRecord(service, { event: 'continue' });
      await waitForState(service.name, 'RUNNING');
      await stopAndWaitStopped(service.name);
      await expectRecord(service, { event: 'exit', code: 0 });
    });
  });

  test('paramchange arrives as reload; netbind add, remove, enable and disable as controls', async () => {
    await controlServiceFixture('paramchange', { acceptedControls: ['netbindchange'] }, async (service) => {
      expect((await controlService('control', service.name, 6)).code).toBe(0);
      await expectRecord(service, { event: 'reload' });
      for (const [code, name] of [[7, 'netbindadd'], [8, 'netbindremove'], [9, 'netbindenable'], [10, 'netbinddisable']] as const) {
        expect((await controlService('control', service.name, code)).code).toBe(0);
        await expectRecord(service, { event: 'control', control: name, code });
      }
      await stopAndWaitStopped(service.name);
    });
  });

  test('custom codes 128 to 255 arrive in order; 256 is refused by the SCM', async () => {
    await controlServiceFixture('custom', {}, async (service) => {
      for (const code of [128, 129, 254, 255]) expect((await controlService('control', service.name, code)).code).toBe(0);
      await expectRecord(service, { event: 'custom', code: 255 });
      const customs = service.records().filter((record) => record.event === 'custom').map((record) => record.code);
      expect(customs).toEqual([128, 129, 254, 255]);
      expect((await controlService('control', service.name, 256)).code).toBe(ERROR_INVALID_PARAMETER);
      await stopAndWaitStopped(service.name);
    });
  });

  test('interrogate is answered natively from the last status, and reported to JavaScript', async () => {
    await controlServiceFixture('interrogate', {}, async (service) => {
      const answer = await controlService('interrogate', service.name);
      expect(answer.code, answer.output).toBe(0);
      expect(parseStatus(answer.output).state).toBe('RUNNING');
      await expectRecord(service, { event: 'control', control: 'interrogate', code: 4 });
      await stopAndWaitStopped(service.name);
    });
  });

  test('STOP_PENDING checkpoints advance while a slow teardown progresses, then STOPPED', async () => {
    await controlServiceFixture('checkpoints', { stopSteps: 5, stopStepMs: 500 }, async (service) => {
      expect((await sc(['stop', service.name])).code).toBe(0);
      const seen = new Set<number>();
      await waitFor('STOPPED', async () => {
        const status = await queryService(service.name);
        if (status.state === 'STOP_PENDING' && status.checkPoint !== undefined) seen.add(status.checkPoint);
        return status.state === 'STOPPED' || undefined;
      }, 15_000);
      const checkpoints = [...seen].sort((a, b) => a - b);
      expect(checkpoints.length, `checkpoints seen: ${checkpoints.join(', ')}`).toBeGreaterThanOrEqual(3);
      // 1 from the dispatcher on receipt, 2 when the teardown begins, one more after each of the first four steps.
      expect(checkpoints.every((checkpoint) => checkpoint >= 1 && checkpoint <= 6)).toBe(true);
      // Last in, first out.
      expect(service.records().filter((record) => record.event === 'stop-step').map((record) => record.step)).toEqual([5, 4, 3, 2, 1]);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
    });
  });

  test('payloads of the controls no test peer can send (power, session, time, device) are copied and decoded by the real handler', async () => {
    await controlServiceFixture('payloads', { acceptedControls: ['timechange'] }, async (service) => {
      expect((await controlService('control', service.name, 200)).code).toBe(0);
      await expectRecord(service, { event: 'diagnostics' });
      const diagnostics = service.records().find((record) => record.event === 'diagnostics');
      // 0: delivered; 120 (ERROR_CALL_NOT_IMPLEMENTED): not accepted, refused in HandlerEx.
      expect(diagnostics?.results).toEqual({ power: 0, session: 0, timechange: 0, deviceevent: 0, preshutdown: 120, hardwareprofilechange: 120 });
      await expectRecord(service, { event: 'power', eventType: 0x8013, powerSetting: '{5D3E9A59-E9D5-4B00-A6BD-FF34FF516548}', data: '01000000' });
      await expectRecord(service, { event: 'session', eventType: 5, sessionId: 3 });
      await expectRecord(service, { event: 'control', control: 'timechange', newTime: 1700000000000, oldTime: 1699999990000 });
      await expectRecord(service, { event: 'control', control: 'deviceevent', eventType: 0x8000, deviceType: 5 });
      expect(hasRecord(service, { event: 'stop', reason: 'preshutdown' })).toBe(false);
      await stopAndWaitStopped(service.name);
    });
  });

  test('bad input inside a running service gets typed errors, and the service carries on', async () => {
    await controlServiceFixture('badinput', {}, async (service) => {
      expect((await controlService('control', service.name, 201)).code).toBe(0);
      await expectRecord(service, { bad: 'unknown-state' });
      const bad = service.records().filter((record) => 'bad' in record);
      const codes = Object.fromEntries(bad.map((record) => [record.bad, record.code]));
      expect(codes).toEqual({
        'running-to-start-pending': 'ERR_SERVICEHOST_INVALID_TRANSITION',
        'running-to-continue-pending': 'ERR_SERVICEHOST_INVALID_TRANSITION',
        'exit-code-out-of-range': 'ERR_OUT_OF_RANGE',
        'service-exit-code-out-of-range': 'ERR_OUT_OF_RANGE',
        'unknown-control': 'ERR_INVALID_ARG_VALUE',
        'unknown-accepted-control': 'ERR_INVALID_ARG_VALUE',
        'unknown-state': 'ERR_INVALID_ARG_VALUE',
      });
      // The native side's own refusals (INVALID_TRANSITION) are ServicehostErrors too.
      expect(bad.map((record) => record.servicehostError)).toEqual(bad.map(() => true));
      expect((await waitForState(service.name, 'RUNNING', 1_000)).state).toBe('RUNNING');
      await stopAndWaitStopped(service.name);
      await expectRecord(service, { event: 'exit', code: 0 });
    });
  });
});
