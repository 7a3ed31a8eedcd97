// start, stop and restart on the Windows SCM, each waiting (unless told not
// to) until the service gets there; a start that fails says what the program
// wrote, from its captured output.
import { isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import type { NativeServiceStatusProcess } from '../../native/windows-binding';
import { controlCode, scmStateCode } from '../../windows/codes';
import { ServiceManagerError } from '../errors';
import { checkServiceName } from '../service-name';
import type { StartOptions, StopOptions, WaitOptions } from '../types';
import { managedState, waitForServiceState } from '../wait';
import { withStartOutput } from '../logs';
import { LogCursor, capturedLogLayout, hasLogFiles } from '../logs-files';
import type { HostOptions } from '../remote-access';
import { describeStartFailure, type StartFailure } from './start-failure';
import { machineOf, scmError } from './remote-host';
import { logDirectoryOf, queryStatus } from './scm-calls';

/** StartService's answer when the program ended or never connected in time, or (Wine) reported STOPPED before StartService returned. */
function isRequestTimeout(error: unknown): boolean {
  return isSystemError(error) && error.code === 'ERROR_SERVICE_REQUEST_TIMEOUT';
}

function startFailed(name: string, failure: StartFailure, cause?: unknown): ServiceManagerError {
  return new ServiceManagerError('ERR_SERVICEHOST_START_FAILED', name, describeStartFailure(name, failure), cause);
}

// After a 1053 the SCM sets the service STOPPED (and ends a process that is
// left); a moment's wait lets a query see that, and the exit code it holds.
async function settledAfterTimeout(name: string, machine?: string): Promise<NativeServiceStatusProcess | undefined> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const status = statusUntilGone(name, machine);
    if (managedState(status.state) === 'stopped' || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whether the process `pid` is running, as far as this process may see. Not
 * signal 0: libuv's opens the process for PROCESS_TERMINATE, which an
 * Administrator is refused for a LocalSystem (or any other account's) service
 * process, so a stop could not see it end. The addon asks for SYNCHRONIZE
 * only; 'unknown' is what even that may not open (a protected process).
 */
function processState(pid: number): 'running' | 'gone' | 'unknown' {
  return windowsNative().processState(pid);
}

/** Whether the process `pid` has ended; false when that cannot be seen. */
function processEnded(pid: number): boolean {
  return processState(pid) === 'gone';
}

// The status while starting, and a failure when the process is gone: a
// process that ends without reporting STOPPED leaves the SCM showing
// START_PENDING (Wine, for ever) until it notices the crash.
function startingStatus(name: string, machine?: string): NativeServiceStatusProcess {
  const status = queryStatus(name, machine);
  // Another machine's process id cannot be looked up here: its SCM's word stands.
  if (machine !== undefined || managedState(status.state) !== 'starting' || status.processId === 0 || !processEnded(status.processId)) return status;
  // It may have reported STOPPED just before it ended: that status says more.
  const again = queryStatus(name);
  if (managedState(again.state) === 'stopped') return again;
  throw startFailed(name, { kind: 'process-ended', pid: status.processId });
}

/**
 * Starts the service and waits until it runs. A program that ends while
 * starting fails the start as soon as the SCM shows it (STOPPED with its exit
 * code, StartService's 1053, or its process gone): ERR_SERVICEHOST_START_FAILED.
 */
export async function startWindowsService(nameInput: unknown, options: StartOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  // The captured files are on that machine: a failed start there says what the SCM saw, without the program's lines.
  if (machine !== undefined) return startAndWait(name, options, machine);
  // Opened before the start: a failed start shows exactly what this start wrote, across a rotation.
  const layout = capturedLogLayout(logDirectoryOf(name));
  const cursor = await LogCursor.open(layout).catch(() => undefined);
  const seen = { ended: false };
  try {
    return await startAndWait(name, options, undefined, seen);
  } catch (error) {
    // A process not seen to end may still be writing: STOPPED (or Wine's 1053 for a program that
    // reported STOPPED before StartService returned) comes before Node writes an uncaught error, and
    // a program that fails that fast was never seen with a process id to wait for.
    const read = (found: LogCursor) => (seen.ended ? found.read(true) : found.readUntilQuiet(LAST_WORDS_QUIET_MS, LAST_WORDS_WAIT_MS));
    throw await withStartOutput(error, async () => (cursor && (await hasLogFiles(layout)) ? read(cursor) : undefined));
  } finally {
    await cursor?.close();
  }
}

/** How long a failed start's output must stay unchanged when its process could not be watched to its end. */
const LAST_WORDS_QUIET_MS = 1_000;

// `seen.ended`: the program's process was seen, and has ended, so all it wrote is there.
async function startAndWait(name: string, options: StartOptions, machine?: string, seen = { ended: false }): Promise<NativeServiceStatusProcess> {
  const began = Date.now();
  try {
    // Synchronous: StartService returns once the program has connected (or ended, or the SCM gave up).
    windowsNative().scmStartService(name, options.args ?? [], machine);
  } catch (error) {
    if (isRequestTimeout(error)) throw startFailed(name, { kind: 'request-timeout', elapsedMs: Date.now() - began, status: await settledAfterTimeout(name, machine) }, error);
    if (!(isSystemError(error) && error.code === 'ERROR_SERVICE_ALREADY_RUNNING')) throw scmError(error, name, 'start', machine);
  }
  if (options.wait === false) return queryStatus(name, machine);
  // The process seen while starting: a program that fails reports STOPPED
  // before Node writes its uncaught error (the 'exit' event comes first), so
  // what it wrote is read once the process has ended.
  let pid = 0;
  try {
    return await waitForServiceState(
      name,
      'running',
      () => {
        const status = startingStatus(name, machine);
        if (status.processId !== 0) pid = status.processId;
        return status;
      },
      options,
      { state: 'stopped', error: (status) => startFailed(name, { kind: 'stopped', status }) },
    );
  } catch (error) {
    if (machine === undefined && pid !== 0) {
      await processGone(pid, Date.now() + LAST_WORDS_WAIT_MS);
      seen.ended = processEnded(pid);
    }
    throw error;
  }
}

/** How long a failed start waits for the program's process to end before its output is read. */
const LAST_WORDS_WAIT_MS = 5_000;

export async function stopWindowsService(nameInput: unknown, options: StopOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  const name = checkServiceName(nameInput, 'windows');
  const machine = machineOf(options);
  const began = Date.now();
  // The process, to see it gone after STOPPED (this machine's only: another's pid cannot be looked up here).
  const pid = machine === undefined && options.wait !== false ? statusUntilGone(name).processId : 0;
  try {
    windowsNative().scmControlService(name, controlCode('stop'), options.comment ?? 'servicehost stop', machine);
  } catch (error) {
    if (!(isSystemError(error) && (error.code === 'ERROR_SERVICE_NOT_ACTIVE' || (error.code === 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL' && alreadyStopping(name, machine))))) {
      throw scmError(error, name, 'stop', machine);
    }
  }
  if (options.wait === false) return queryStatus(name, machine);
  const stopped = await waitForServiceState(name, 'stopped', () => statusUntilGone(name, machine), options);
  await processGone(pid, began + (options.timeoutMs ?? 60_000));
  return stopped;
}

/**
 * STOPPED is the SCM's word; the process may still be ending (its last
 * events, its exit code: the addon holds it until the dispatcher has
 * returned, up to 10 s). A stop waits for it too, within the stop's time, so
 * what follows (a start, replacing the program's files, which Windows locks
 * while it runs) does not meet the old process.
 */
// One this process may not look at even with SYNCHRONIZE is not waited for: STOPPED is then the word.
async function processGone(pid: number, deadline: number): Promise<void> {
  while (pid !== 0 && processState(pid) === 'running' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

// A stop that finds the service already stopping (the SCM takes no control
// in STOP_PENDING) joins that stop: it waits for STOPPED, as one that came first would.
function alreadyStopping(name: string, machine?: string): boolean {
  const { state } = statusUntilGone(name, machine);
  return state === scmStateCode('stop-pending') || state === scmStateCode('stopped');
}

// A service marked for deletion is removed the moment it stops: for a stop,
// gone means stopped.
function statusUntilGone(name: string, machine?: string): NativeServiceStatusProcess {
  try {
    return windowsNative().scmQueryStatus(name, machine);
  } catch (error) {
    if (!(isSystemError(error) && error.code === 'ERROR_SERVICE_DOES_NOT_EXIST')) throw scmError(error, name, 'stop', machine);
    return { serviceType: 0, state: scmStateCode('stopped'), controlsAccepted: 0, win32ExitCode: 0, serviceSpecificExitCode: 0, checkPoint: 0, waitHint: 0, processId: 0, serviceFlags: 0 };
  }
}

export async function restartWindowsService(name: unknown, options: WaitOptions & HostOptions = {}): Promise<NativeServiceStatusProcess> {
  await stopWindowsService(name, { ...options, wait: true });
  return startWindowsService(name, { ...options, wait: options.wait ?? true });
}
