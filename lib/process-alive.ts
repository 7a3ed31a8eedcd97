// Whether a process still exists, by signal 0: only ESRCH says it is gone;
// EPERM (another account's process) says it may not be looked at.

/**
 * Whether `pid` is running as far as this process can see: 'unknown' when it
 * may not look (EPERM: on Windows, another account's process that refuses
 * the PROCESS_TERMINATE access libuv asks for, such as a LocalSystem service).
 */
export function processVisibility(pid: number): 'running' | 'gone' | 'unknown' {
  try {
    process.kill(pid, 0);
    return 'running';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'unknown';
  }
}

/** True unless the process `pid` is gone (ESRCH): one it may not look at counts as existing. */
export function processExists(pid: number): boolean {
  return processVisibility(pid) !== 'gone';
}
