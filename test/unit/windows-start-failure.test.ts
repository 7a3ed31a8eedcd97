// Why a Windows start failed, in words (lib/manage/windows/start-failure.ts),
// and the code the register preload reports for a program that ends before
// its Service exists (lib/windows/early-exit.ts).
import { describe, expect, test } from 'vitest';
import { describeStartFailure } from '../../lib/manage/windows/start-failure';
import type { NativeServiceStatusProcess } from '../../lib/native/windows-binding';
import { earlyExitCode } from '../../lib/windows/early-exit';

const STOPPED = 1;

function stopped(win32ExitCode: number, serviceSpecificExitCode = 0): NativeServiceStatusProcess {
  return { serviceType: 16, state: STOPPED, controlsAccepted: 0, win32ExitCode, serviceSpecificExitCode, checkPoint: 0, waitHint: 0, processId: 0, serviceFlags: 0 };
}

describe('describeStartFailure', () => {
  test('a service-specific exit names the code and its meaning in the exit-code table', () => {
    const said = describeStartFailure('api', { kind: 'stopped', status: stopped(1066, 75) });
    expect(said).toMatch(/^"api" did not start: the program exited while starting with exit code 75 \(uncaughtError\), which the SCM holds as a service-specific error \(1066\)\. /u);
    expect(said).toContain('servicehost run -- <script>');
  });

  test('a code of the program\'s own is named without a meaning', () => {
    expect(describeStartFailure('api', { kind: 'stopped', status: stopped(1066, 3) })).toContain('with exit code 3, which');
  });

  test('a Win32 exit code and a clean exit are told apart', () => {
    expect(describeStartFailure('api', { kind: 'stopped', status: stopped(1067) })).toContain('exited while starting with Win32 exit code 1067');
    expect(describeStartFailure('api', { kind: 'stopped', status: stopped(0) })).toContain('stopped while starting with exit code 0, before it reported running');
    expect(describeStartFailure('api', { kind: 'stopped', status: stopped(1077) })).toContain('stopped while starting, before it reported running');
  });

  test('a process gone while the SCM still shows it starting is named by its pid', () => {
    expect(describeStartFailure('api', { kind: 'process-ended', pid: 4242 })).toMatch(/its process \(pid 4242\) exited while starting, without reporting STOPPED/u);
  });

  test('StartService\'s 1053: the exit the program reported wins; else a quick answer is an early exit, a late one a connect timeout', () => {
    expect(describeStartFailure('api', { kind: 'request-timeout', elapsedMs: 170, status: stopped(1066, 75) })).toContain('with exit code 75 (uncaughtError)');
    // 1077 (ERROR_SERVICE_NEVER_STARTED): what Wine holds after a process that never connected.
    const quick = describeStartFailure('api', { kind: 'request-timeout', elapsedMs: 900, status: stopped(1077) });
    expect(quick).toMatch(/exited while starting, before it connected to the SCM \(StartService answered ERROR_SERVICE_REQUEST_TIMEOUT \(1053\) after 900 ms\)/u);
    expect(quick).toContain('--no-register');
    const late = describeStartFailure('api', { kind: 'request-timeout', elapsedMs: 30_050, status: undefined });
    expect(late).toMatch(/did not connect to the SCM within the SCM's own timeout \(.*1053.*after 30050 ms; 30 s by default\)/u);
    expect(late).toContain('keep the register preload');
  });
});

describe('earlyExitCode', () => {
  test('an uncaught exception is 75 (uncaughtError), not Node\'s 1', () => {
    expect(earlyExitCode(1, true)).toBe(75);
  });

  test('an exit is its own code, as Windows keeps it (a DWORD)', () => {
    expect(earlyExitCode(3, false)).toBe(3);
    expect(earlyExitCode(0, false)).toBe(0);
    expect(earlyExitCode(undefined, false)).toBe(0);
    expect(earlyExitCode('4', false)).toBe(4);
    expect(earlyExitCode(-1, false)).toBe(0xffffffff);
  });
});
