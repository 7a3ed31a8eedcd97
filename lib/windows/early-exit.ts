// A service whose program ends before anything took over the SCM connection
// (an import-time throw, process.exit() while loading) tells the SCM at once.
// Otherwise the SCM is left with the START_PENDING that ServiceMain reported
// natively: Windows notices the dead process only as a crash, Wine never does,
// and `servicehost install` waited out the 30 s wait hint and said nothing of
// why. The register preload installs this; Service and the raw API take over
// the connection (consume) and report their own STOPPED.
import { isMainThread } from 'node:worker_threads';
import { exitCodes } from '../lifecycle/exit-codes';
import type { NativeDispatcherBinding } from '../native/windows-binding';
import { scmStateCode } from './codes';

// The SCM calls ServiceMain moments after the dispatcher connects; a program
// that fails at once may end before it has. Bounded, for a dispatcher that
// never connects (it then has no SCM to tell).
const SERVICE_MAIN_WAIT_MS = 3000;
const POLL_MS = 10;

/**
 * The code the SCM hears for a program that ended before a Service existed:
 * its own exit code, except that an uncaught exception is 75 (uncaughtError),
 * not Node's 1. The reason: 75 is what the exit-code table says an uncaught
 * error is, so the SCM, recovery actions and the operator see one code for
 * "the program threw" whether it threw before or after its Service existed,
 * and the table keeps its rule that a servicehost outcome never shares a
 * number with one of Node's (1 is also any program's own process.exit(1)).
 * The process exits with the same code, as on every other path.
 */
export function earlyExitCode(exitCode: number | string | undefined, uncaught: boolean): number {
  if (uncaught) return exitCodes.uncaughtError;
  const code = Number(exitCode ?? 0);
  // Windows keeps exit codes as DWORDs: process.exit(-1) is 0xFFFFFFFF.
  return Number.isInteger(code) ? code >>> 0 : 1;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Main thread, inside the 'exit' event: nothing asynchronous runs any more,
// so the wait for ServiceMain (recorded natively, on the SCM's thread) is a
// synchronous one.
function reportStopped(native: NativeDispatcherBinding, exitCode: number): void {
  const deadline = Date.now() + SERVICE_MAIN_WAIT_MS;
  for (;;) {
    try {
      // Non-zero: ERROR_SERVICE_SPECIFIC_ERROR (1066) with the code.
      native.setServiceStatus({ state: scmStateCode('stopped'), serviceSpecificExitCode: exitCode });
      return;
    } catch (error) {
      // Anything but "ServiceMain has not run yet" means the SCM has its final status, or no SCM is listening.
      if ((error as { code?: unknown }).code !== 'ERR_SERVICEHOST_NOT_CONNECTED' || Date.now() >= deadline) return;
      sleepSync(POLL_MS);
    }
  }
}

/** Reports STOPPED with the exit code when the process ends before `taken()` is true. */
export function reportStoppedOnEarlyExit(native: NativeDispatcherBinding, taken: () => boolean): void {
  if (!isMainThread) return;
  let uncaught = false;
  process.on('uncaughtExceptionMonitor', () => {
    // Fatal only when nobody handles it; a handled one is the program's business.
    if (!taken() && process.listenerCount('uncaughtException') === 0 && !process.hasUncaughtExceptionCaptureCallback()) uncaught = true;
  });
  process.on('exit', (code) => {
    if (taken()) return;
    const exitCode = earlyExitCode(code, uncaught);
    // Read by Node after the 'exit' listeners of a fatal exception: the process exits with what the SCM hears.
    if (uncaught) process.exitCode = exitCode;
    reportStopped(native, exitCode);
  });
}
