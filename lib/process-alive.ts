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
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ESRCH' ? 'gone' : 'unknown';
  }
}

