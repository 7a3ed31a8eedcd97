// Why a Windows service did not start, in words: from what the SCM shows
// once the start has failed. Pure, so each case is tested in the unit ring.
import { exitCodes, type ExitCodeName } from '../../lifecycle/exit-codes';
import type { NativeServiceStatusProcess } from '../../native/windows-binding';
import { ERROR_SERVICE_NEVER_STARTED, ERROR_SERVICE_SPECIFIC_ERROR } from '../../windows/codes';

/** What was seen when the start failed; `status` is the SCM's status queried after. */
export type StartFailure =
  /** The service reported STOPPED while starting (the program, its Service, or the register preload did). */
  | { kind: 'stopped'; status: NativeServiceStatusProcess }
  /** Its process ended while the SCM still had it starting: nothing reported STOPPED. */
  | { kind: 'process-ended'; pid: number }
  /** StartService itself failed with ERROR_SERVICE_REQUEST_TIMEOUT (1053) after `elapsedMs`. */
  | { kind: 'request-timeout'; elapsedMs: number; status: NativeServiceStatusProcess | undefined };

// Under this, a 1053 means the process ended before it connected; the SCM's
// own connect timeout is 30 s by default (ServicesPipeTimeout; Wine's 10 s).
const CONNECT_TIMEOUT_FLOOR_MS = 8000;

const findOut = (name: string): string =>
  `\`servicehost logs ${name}\` shows what it wrote (its captured output), and the Event Log what it reported; \`servicehost run -- <script>\` runs it in a terminal, where an error shows`;

function exitCodeName(code: number): ExitCodeName | undefined {
  return (Object.keys(exitCodes) as ExitCodeName[]).find((key) => key !== 'ok' && exitCodes[key] === code);
}

/** The exit the SCM holds for a STOPPED service, or undefined when it holds none. */
function describeExit(status: NativeServiceStatusProcess): string | undefined {
  if (status.win32ExitCode === ERROR_SERVICE_SPECIFIC_ERROR) {
    const code = status.serviceSpecificExitCode;
    const known = exitCodeName(code);
    return `exit code ${code}${known ? ` (${known})` : ''}, which the SCM holds as a service-specific error (1066)`;
  }
  // 1077 is what the SCM holds for a service that never reported a status: no exit at all.
  return status.win32ExitCode === 0 || status.win32ExitCode === ERROR_SERVICE_NEVER_STARTED ? undefined : `Win32 exit code ${status.win32ExitCode}`;
}

function hasExit(status: NativeServiceStatusProcess | undefined): status is NativeServiceStatusProcess {
  return status !== undefined && describeExit(status) !== undefined;
}

export function describeStartFailure(name: string, failure: StartFailure): string {
  const lead = `"${name}" did not start: `;
  switch (failure.kind) {
    case 'stopped': {
      const exit = describeExit(failure.status);
      if (exit) return `${lead}the program exited while starting with ${exit}. ${findOut(name)}`;
      const code = failure.status.win32ExitCode === 0 ? ' with exit code 0' : '';
      return `${lead}the program stopped while starting${code}, before it reported running. ${findOut(name)}`;
    }
    case 'process-ended':
      return (
        `${lead}its process (pid ${failure.pid}) exited while starting, without reporting STOPPED to the SCM: ` +
        `it crashed, or it ended before its Service existed without the register preload to say so. ${findOut(name)}`
      );
    case 'request-timeout': {
      // The program reported its own exit before the SCM gave up on it (Wine answers 1053 then).
      if (hasExit(failure.status)) return describeStartFailure(name, { kind: 'stopped', status: failure.status });
      const answered = `StartService answered ERROR_SERVICE_REQUEST_TIMEOUT (1053) after ${failure.elapsedMs} ms`;
      const what =
        failure.elapsedMs < CONNECT_TIMEOUT_FLOOR_MS
          ? `the program exited while starting, before it connected to the SCM (${answered})`
          : `the program did not connect to the SCM within the SCM's own timeout (${answered}; 30 s by default)`;
      return (
        `${lead}${what}. Likely cause: an error while it loads, which nothing reports when it runs without the register preload ` +
        `(installed with --no-register), or imports slower than the SCM waits (keep the register preload: it connects first). ${findOut(name)}`
      );
    }
  }
}
