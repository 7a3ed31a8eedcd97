// The addon's processState (cpp/win/process_state.cc), inside Windows Node:
// OpenProcess(SYNCHRONIZE) and a wait of no time, so that stop() and a failed
// start can see a LocalSystem service's process end, which signal 0 (libuv's
// PROCESS_TERMINATE) may not open.
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { fixturesDir } from './harness/service';

const ring = inject('windowsRing');
const fixture = (): string => toWindowsPath(path.join(fixturesDir, 'process-state.js'));

async function report(args: string[] = []): Promise<Record<string, unknown>> {
  const result = await runWindows(windowsNodeExe(), [fixture(), ...args], { timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe.skipIf(!ring.available)('processState', () => {
  test('a live process is running, the same pid gone once it has exited, a pid no process had gone; bad input is a typed ServicehostError', async () => {
    expect(await report()).toEqual({
      live: 'running',
      ended: 'gone',
      // Signal 0 reads this one 'unknown' under Wine: it could not have told a stop the pid is free.
      neverExisted: 'gone',
      self: 'running',
      bad: {
        none: { code: 'ERR_INVALID_ARG_TYPE', servicehostError: true },
        zero: { code: 'ERR_OUT_OF_RANGE', servicehostError: true },
        negative: { code: 'ERR_OUT_OF_RANGE', servicehostError: true },
        fraction: { code: 'ERR_OUT_OF_RANGE', servicehostError: true },
        over32bits: { code: 'ERR_OUT_OF_RANGE', servicehostError: true },
        nan: { code: 'ERR_OUT_OF_RANGE', servicehostError: true },
        string: { code: 'ERR_INVALID_ARG_TYPE', servicehostError: true },
      },
    });
  });

  // Under Wine every process runs as one account, so signal 0 never meets EPERM.
  test.runIf(isNativeWindows)("[windows-latest only: under Wine every process is one account] a LocalSystem service's process, which signal 0 may not open (EPERM), reads running", async () => {
    expect(await report(['Winmgmt'])).toEqual({
      account: 'LocalSystem',
      state: 4,
      signalZero: { code: 'EPERM', servicehostError: false },
      native: 'running',
    });
  });
});
