// Waiting for a Windows service to reach a state, the way the SCM's own
// documentation asks: poll at a tenth of the wait hint (here 50 to 250 ms, as a
// status query is cheap and a person is waiting), and
// call the service stuck only when its checkpoint has not moved for a whole
// wait hint. Wine does not enforce wait hints; this does, on every system.
import type { NativeServiceStatusProcess } from '../native/windows-binding';
import { scmStateOfCode } from '../windows/codes';
import { ServiceManagerError } from './errors';
import type { ManagedServiceState, WaitOptions } from './types';

/** An SCM state code in the manager's words ('start-pending' is 'starting'). */
export function managedState(state: number): ManagedServiceState {
  return scmStateOfCode(state)?.lifecycle ?? 'unknown';
}

/** A pending state lasting longer than its wait hint with no checkpoint progress is stuck; this much slack on top. */
const STALL_SLACK_MS = 2000;

export async function waitForServiceState(
  name: string,
  target: ManagedServiceState,
  query: () => NativeServiceStatusProcess,
  options: WaitOptions,
  /** The state that means the wait has failed (a start that ends STOPPED). */
  failure?: { state: ManagedServiceState; error: (status: NativeServiceStatusProcess) => Error },
): Promise<NativeServiceStatusProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let lastCheckPoint = -1;
  let progressAt = started;
  for (;;) {
    const status = query();
    const state = managedState(status.state);
    options.onProgress?.({ state, checkPoint: status.checkPoint, waitHint: status.waitHint });
    if (state === target) return status;
    if (failure && state === failure.state) throw failure.error(status);
    const now = Date.now();
    if (status.checkPoint !== lastCheckPoint) {
      lastCheckPoint = status.checkPoint;
      progressAt = now;
    }
    const stalledFor = now - progressAt;
    if (state !== 'running' && state !== 'paused' && state !== 'stopped' && status.waitHint > 0 && stalledFor > status.waitHint + STALL_SLACK_MS) {
      throw new ServiceManagerError(
        'ERR_SERVICEHOST_WAIT_TIMEOUT',
        name,
        `"${name}" is stuck ${state}: its checkpoint stayed at ${status.checkPoint} for ${stalledFor} ms, past its wait hint of ${status.waitHint} ms`,
      );
    }
    if (now - started > timeoutMs) {
      throw new ServiceManagerError(
        'ERR_SERVICEHOST_WAIT_TIMEOUT',
        name,
        `"${name}" did not become ${target} within ${timeoutMs} ms; it is ${state} (checkpoint ${status.checkPoint}, wait hint ${status.waitHint} ms)`,
      );
    }
    const pollMs = Math.min(250, Math.max(50, Math.floor(status.waitHint / 10)));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
