// The wait loop's rules, on fake time: a pending state is stuck only when its
// checkpoint stays still for longer than its wait hint (plus 2 s of slack),
// progress resets that clock, and the overall timeout still applies.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { NativeServiceStatusProcess } from '../../lib/native/windows-binding';
import { waitForServiceState } from '../../lib/manage/wait';

function status(state: number, checkPoint: number, waitHint: number): NativeServiceStatusProcess {
  return { serviceType: 16, state, controlsAccepted: 0, win32ExitCode: 0, serviceSpecificExitCode: 0, checkPoint, waitHint, processId: 1, serviceFlags: 0 };
}

const STOP_PENDING = 3;
const STOPPED = 1;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('waitForServiceState', () => {
  test('a checkpoint that stays still past the wait hint is reported as stuck', async () => {
    const waiting = waitForServiceState('api', 'stopped', () => status(STOP_PENDING, 4, 1000), { timeoutMs: 60_000 });
    const caught = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(3500);
    expect(await caught).toMatchObject({ code: 'ERR_SERVICEHOST_WAIT_TIMEOUT', message: expect.stringMatching(/stuck stopping: its checkpoint stayed at 4/u) });
  });

  test('advancing checkpoints keep the wait alive until the state is reached', async () => {
    const started = Date.now();
    const progress: number[] = [];
    const waiting = waitForServiceState(
      'api',
      'stopped',
      () => {
        const elapsed = Date.now() - started;
        return elapsed > 8000 ? status(STOPPED, 0, 0) : status(STOP_PENDING, Math.floor(elapsed / 500), 1000);
      },
      { timeoutMs: 60_000, onProgress: ({ checkPoint }) => progress.push(checkPoint) },
    );
    await vi.advanceTimersByTimeAsync(9000);
    await expect(waiting).resolves.toMatchObject({ state: STOPPED });
    expect(Math.max(...progress)).toBeGreaterThanOrEqual(15);
  });

  test('the overall timeout applies even with progress', async () => {
    let checkPoint = 0;
    const waiting = waitForServiceState('api', 'stopped', () => status(STOP_PENDING, ++checkPoint, 1000), { timeoutMs: 2000 });
    const caught = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2500);
    expect(await caught).toMatchObject({ code: 'ERR_SERVICEHOST_WAIT_TIMEOUT', message: expect.stringContaining('did not become stopped within 2000 ms') });
  });

  test('a failure state ends the wait with the caller\'s error', async () => {
    const waiting = waitForServiceState('api', 'running', () => status(STOPPED, 0, 0), {}, { state: 'stopped', error: () => new Error('stopped while starting') });
    await expect(waiting).rejects.toThrow('stopped while starting');
  });
});
