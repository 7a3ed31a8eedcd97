// The service's child processes end with it (issue 20). servicehost/register
// puts the service's own process in a job object with KILL_ON_JOB_CLOSE whose
// only handle is never closed: when the process ends, however it ends (a stop,
// a crash, taskkill /F), the kernel closes the handle and ends every process
// still in the job: children, grandchildren, `detached: true` children alike.
// Node's own job (libuv's, which ends only non-detached direct children) nests
// inside it. The job allows breakaway: a child created with
// CREATE_BREAKAWAY_FROM_JOB leaves it (docs/windows.md says how an updater does that).
import { KILL_CHILDREN_VARIABLE } from '../lifecycle/installed-environment';
import { windowsNative } from '../native/load';

/**
 * Reads and removes SERVICEHOST_KILL_CHILDREN (children never see it): false
 * when the install opted out (`--no-kill-children`, `windows.killChildren: false`).
 */
export function takeKillChildrenSetting(): boolean {
  const value = process.env[KILL_CHILDREN_VARIABLE];
  delete process.env[KILL_CHILDREN_VARIABLE];
  return value !== '0';
}

/**
 * Joins the kill-on-close job. A failure (a host whose job refuses nesting,
 * an addon that cannot load) is a process warning, never a crash: the service
 * runs as it would have without it.
 */
export function keepChildrenWithService(): void {
  try {
    windowsNative().joinKillOnCloseJob();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`servicehost/register: this service's child processes will not end with it (the job object was refused: ${reason})`, {
      code: 'SERVICEHOST_KILL_CHILDREN',
    });
  }
}
