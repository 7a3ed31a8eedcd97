// e2e: controls as the world sends them, back to back with no waiting, and
// into a service whose event loop is blocked. A raw ControlService loop (the
// product's own manager API in one Windows Node process) is the controller.
// Every accepted control is acted on, in order, each as its own event (up to
// the queue's bound of 1024 waiting), and the SCM sees each control's pending
// state the moment the control returns.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { controlService, isNativeWindows, parseStatus, queryService } from '../../scripts/windows-env.mjs';
import { manage, type Outcome } from './harness/manage';
import { startAndWaitRunning, waitFor, waitForState, withService, type RunningFixture } from './harness/service';

const ring = inject('windowsRing');

const ERROR_INVALID_SERVICE_CONTROL = 1052;
const ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
const codes = { stop: 1, pause: 2, continue: 3, interrogate: 4 } as const;

/** Sends the controls back to back from one process; one outcome each. */
function sendBackToBack(name: string, controls: (keyof typeof codes | number)[]): Promise<Outcome[]> {
  return manage(controls.map((control) => ({ op: 'native', fn: 'scmControlService', args: [name, typeof control === 'number' ? control : codes[control]] })));
}

function count(service: RunningFixture, event: string): number {
  return service.records().filter((record) => record.event === event).length;
}

function states(service: RunningFixture): unknown[] {
  return service.records().filter((record) => record.event === 'state').map((record) => record.state);
}

function withControlService(label: string, options: Record<string, unknown>, body: (service: RunningFixture) => Promise<void>) {
  return withService(label, { script: 'control-service.js', args: [JSON.stringify(options)] }, async (service) => {
    await startAndWaitRunning(service.name);
    await waitFor('the service to run', () => count(service, 'running') === 1);
    await body(service);
  });
}

describe.skipIf(!ring.available)('controls back to back', () => {
  test('pause then continue: both acted on, in order; the service ends RUNNING', async () => {
    await withControlService('seq-pc', { pauseDelayMs: 300 }, async (service) => {
      const outcomes = await sendBackToBack(service.name, ['pause', 'continue']);
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
      await waitFor('the continue to settle', () => states(service).at(-1) === 'running' && count(service, 'continue') === 1, 10_000);
      expect((await waitForState(service.name, 'RUNNING', 5_000)).state).toBe('RUNNING');
      expect([count(service, 'pause'), count(service, 'continue')]).toEqual([1, 1]);
      expect(states(service)).toEqual(['running', 'pausing', 'paused', 'continuing', 'running']);
    });
  });

  test('pause, continue, pause, continue: four listener calls, in order', async () => {
    await withControlService('seq-pcpc', { pauseDelayMs: 200 }, async (service) => {
      const outcomes = await sendBackToBack(service.name, ['pause', 'continue', 'pause', 'continue']);
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true]);
      await waitFor('both continues', () => count(service, 'continue') === 2 && states(service).at(-1) === 'running', 15_000);
      expect((await waitForState(service.name, 'RUNNING', 5_000)).state).toBe('RUNNING');
      const order = service.records().filter((record) => record.event === 'pause' || record.event === 'continue').map((record) => record.event);
      expect(order).toEqual(['pause', 'continue', 'pause', 'continue']);
    });
  });

  test('pause then stop: the stop wins; the pause listener ran once, nothing reports PAUSED, exit 0', async () => {
    await withControlService('seq-ps', { pauseDelayMs: 500 }, async (service) => {
      const outcomes = await sendBackToBack(service.name, ['pause', 'stop']);
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
      // The stop's own return already shows STOP_PENDING, reported natively on
      // receipt (without it: PAUSE_PENDING, 6), or STOPPED (1) when a loaded
      // Wine returned from ControlService only after the whole stop (seen once
      // in a clean-clone run).
      expect([3, 1]).toContain(outcomes[1]!.ok && outcomes[1]!.value.status.state);
      const final = await waitForState(service.name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      await waitFor('the process to exit', () => count(service, 'exit') === 1);
      expect([count(service, 'pause'), count(service, 'stop')]).toEqual([1, 1]);
      expect(states(service)).not.toContain('paused');
      expect(service.records().find((record) => record.event === 'exit')?.code).toBe(0);
    });
  });

  test('continue while running: accepted, no listener runs, the service stays RUNNING', async () => {
    await withControlService('seq-cr', {}, async (service) => {
      const [outcome] = await sendBackToBack(service.name, ['continue']);
      expect(outcome!.ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(count(service, 'continue')).toBe(0);
      expect((await queryService(service.name)).state).toBe('RUNNING');
      expect(states(service)).toEqual(['running']);
    });
  });

  test('stop then pause: the pause is refused (STOP_PENDING accepts nothing); one stop, no pause', async () => {
    await withControlService('seq-sp', { stopSteps: 1, stopStepMs: 1_500 }, async (service) => {
      const [stopped, paused] = await sendBackToBack(service.name, ['stop', 'pause']);
      expect(stopped!.ok).toBe(true);
      expect(paused!.ok).toBe(false);
      expect([ERROR_INVALID_SERVICE_CONTROL, ERROR_SERVICE_CANNOT_ACCEPT_CTRL]).toContain(!paused!.ok && paused!.error.errno);
      await waitForState(service.name, 'STOPPED');
      await waitFor('the process to exit', () => count(service, 'exit') === 1);
      expect([count(service, 'stop'), count(service, 'pause')]).toEqual([1, 0]);
    });
  });
});

describe.skipIf(!ring.available)('a blocked event loop', () => {
  test('a stop is STOP_PENDING at once, with checkpoint 1 and the stop deadline as wait hint; interrogate is answered meanwhile', async () => {
    // The loop stays blocked until the test writes the release (60 s is only the bound): what the SCM
    // says meanwhile came from the native side, however long a loaded machine takes to send and query.
    await withControlService('blocked-stop', { blockMs: 60_000, blockUntilReleased: true, stopTimeoutMs: 20_000 }, async (service) => {
      expect((await controlService('control', service.name, 203)).code).toBe(0);
      await waitFor('the custom control to arrive', () => count(service, 'custom') === 1);
      // Interrogate first (the SCM refuses it once a stop is pending), answered natively; then the stop.
      const stopped = await sendBackToBack(service.name, ['interrogate', 'stop']);
      expect(stopped.map((outcome) => outcome.ok)).toEqual([true, true]);
      expect(stopped[0]!.ok && stopped[0]!.value.status).toMatchObject({ state: 4 });
      const query = await queryService(service.name);
      // JavaScript has not run (the loop is still blocked, no stop heard), and the SCM already knows.
      expect([count(service, 'unblocked'), count(service, 'stop')]).toEqual([0, 0]);
      expect(query).toMatchObject({ state: 'STOP_PENDING', checkPoint: 1, waitHint: 20_000 });
      expect(stopped[1]!.ok && stopped[1]!.value.status).toMatchObject({ state: 3, checkPoint: 1, waitHint: 20_000 });
      writeFileSync(path.join(service.dir, 'release'), '');
      await waitForState(service.name, 'STOPPED', 20_000);
      await waitFor('the process to exit', () => count(service, 'exit') === 1);
      expect(count(service, 'stop')).toBe(1);
    });
  });

  test('a pause is PAUSE_PENDING at once; the listener runs once the loop is free', async () => {
    // Blocked until the test's release, as above: sc pause (a Wine process of its own) may take seconds.
    await withControlService('blocked-pause', { blockMs: 60_000, blockUntilReleased: true, pauseDelayMs: 0 }, async (service) => {
      expect((await controlService('control', service.name, 203)).code).toBe(0);
      await waitFor('the custom control to arrive', () => count(service, 'custom') === 1);
      const paused = await controlService('pause', service.name);
      expect(parseStatus(paused.output)).toMatchObject({ state: 'PAUSE_PENDING', checkPoint: 1, waitHint: 5_000 });
      expect([count(service, 'unblocked'), count(service, 'pause')]).toEqual([0, 0]);
      writeFileSync(path.join(service.dir, 'release'), '');
      await waitForState(service.name, 'PAUSED', 10_000);
      expect(count(service, 'pause')).toBe(1);
    });
  });
});

describe.skipIf(!ring.available)('identical custom controls into a busy loop', () => {
  test('300 back to back, well under the bound of 1024: 300 events, each with repeats 1', async () => {
    await withControlService('burst-300', { blockMs: 60_000, blockUntilReleased: true }, async (service) => {
      expect((await controlService('control', service.name, 203)).code).toBe(0);
      await waitFor('the loop to block', () => count(service, 'custom') === 1);
      const outcomes = await sendBackToBack(service.name, Array.from({ length: 300 }, () => 210));
      const sentAt = Date.now();
      writeFileSync(path.join(service.dir, 'release'), '');
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      await waitFor('the loop to be free', () => count(service, 'unblocked') === 1, 15_000);
      const unblocked = service.records().find((record) => record.event === 'unblocked')!;
      // All sent while the loop was blocked (the release comes after the send; the same millisecond is fine).
      expect(sentAt, 'the burst outlasted the block').toBeLessThanOrEqual(unblocked.at as number);
      const burst = () => service.records().filter((record) => record.event === 'custom' && record.code === 210) as { repeats: number }[];
      await waitFor('all 300 to be heard', () => burst().reduce((sum, record) => sum + record.repeats, 0) === 300, 10_000);
      expect(burst().map((record) => record.repeats)).toEqual(Array.from({ length: 300 }, () => 1));
    });
  });
});

describe.skipIf(!ring.available || isNativeWindows)('[Wine only: the flood comes from the test controller, built under Wine] a flood past the bound against a blocked loop', () => {
  test('1024 wait as events of their own; past that repeats merge into a waiting one and the rest drop; every control is counted once, and memory stays flat', async () => {
    await withControlService('flood', { blockMs: 60_000, blockUntilReleased: true }, async (service) => {
      expect((await controlService('control', service.name, 205)).code).toBe(0);
      await waitFor('the first figures', () => count(service, 'stats') === 1);
      expect((await controlService('control', service.name, 203)).code).toBe(0);
      await waitFor('the loop to block', () => count(service, 'custom') === 2);
      const flood = await controlService('burst', service.name, 210, 3_000);
      expect(flood.code, flood.output).toBe(0);
      // A different code after the flood, still blocked: no identical one waits, so these are dropped.
      const others = await controlService('burst', service.name, 211, 5);
      expect(others.code, others.output).toBe(0);
      const sentAt = Date.now();
      writeFileSync(path.join(service.dir, 'release'), '');
      await waitFor('the loop to be free', () => count(service, 'unblocked') === 1, 15_000);
      expect(sentAt, 'the flood outlasted the block').toBeLessThanOrEqual(service.records().find((record) => record.event === 'unblocked')!.at as number);
      // Once read as exit 1 in a loaded clean-clone run (its output not kept). The controller exits non-zero
      // only with its usage or "FAILED N"; exit 1 and nothing of its own is Wine ending it (measured: a Wine
      // program that loses its wineserver; or the loader's "ShellExecuteEx failed"). The harness now runs a
      // controller Wine ended before it sent once more, and throws for one ended after (runStatusCommand).
      const statsControl = await controlService('control', service.name, 205);
      expect(statsControl.code, statsControl.output).toBe(0);
      await waitFor('the second figures', () => count(service, 'stats') === 2, 10_000);
      type Stats = { delivered: number; merged: number; dropped: number };
      const [before, after] = service.records().filter((record) => record.event === 'stats') as { rss: number; stats: Stats }[];
      const customs = (code: number) => service.records().filter((record) => record.event === 'custom' && record.code === code) as { repeats: number }[];
      const floods = customs(210);
      // The queue's bound: 1024 waited as events of their own, the rest folded into them.
      expect(floods).toHaveLength(1024);
      expect(floods.reduce((sum, record) => sum + record.repeats, 0)).toBe(3_000);
      expect(floods.filter((record) => record.repeats > 1).length).toBeGreaterThan(0);
      expect(customs(211)).toHaveLength(0);
      const delta = (key: keyof Stats) => after!.stats[key] - before!.stats[key];
      expect({ merged: delta('merged'), dropped: delta('dropped') }).toEqual({ merged: 3_000 - 1024, dropped: 5 });
      // Sent between the two figures: 203, the flood, the five others, the second 205; each counted once.
      expect(delta('delivered') + delta('merged') + delta('dropped')).toBe(1 + 3_000 + 5 + 1);
      expect(after!.rss - before!.rss).toBeLessThan(8 * 1024 * 1024);
    });
  });
});

describe.skipIf(!ring.available)('a listener that throws', () => {
  test('a throw in a custom listener is an uncaught exception: the teardown runs, and the SCM sees 1066 with 75', async () => {
    await withControlService('throws', { stopSteps: 1 }, async (service) => {
      expect((await controlService('control', service.name, 204)).code).toBe(0);
      const final = await waitForState(service.name, 'STOPPED', 15_000);
      expect(final.win32ExitCode).toBe(1066);
      expect(final.serviceExitCode).toBe(75);
      await waitFor('the process to exit', () => count(service, 'exit') === 1);
      expect(service.records().find((record) => record.event === 'stop')).toMatchObject({ reason: 'error' });
      expect(count(service, 'stop-step')).toBe(1);
      expect(service.records().find((record) => record.event === 'exit')?.code).toBe(75);
    });
  });
});
