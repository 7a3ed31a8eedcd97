// Whether a process still exists, by signal 0: EPERM (another account's
// process) still exists; only ESRCH says it is gone.

/** True unless the process `pid` is gone (ESRCH). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
