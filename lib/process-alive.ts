// Whether a process still exists, by signal 0: only ESRCH says it is gone;
// EPERM (another account's process) says it may not be looked at, so it
// counts as existing. POSIX callers only (systemd's reload helper, the test
// lanes): Windows' stop path asks the addon's processState, which needs less
// access than libuv's signal 0 (lib/manage/windows/start-stop.ts).

/** True unless the process `pid` is gone (ESRCH): one it may not look at counts as existing. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
