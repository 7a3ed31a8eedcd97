// Whether a process still exists. On POSIX by signal 0: only ESRCH says it is
// gone; EPERM (another account's process) says it may not be looked at. On
// Windows signal 0 asks for too much (below), so the addon asks for less.
import { windowsNative } from './native/load';
import type { NativeWindowsBinding } from './native/windows-binding';

type Visibility = 'running' | 'gone' | 'unknown';

function bySignalZero(pid: number): Visibility {
  try {
    process.kill(pid, 0);
    return 'running';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'unknown';
  }
}

// On Windows libuv's signal 0 opens the process for PROCESS_TERMINATE, which
// an Administrator is refused for a LocalSystem (or any other account's)
// service process: EPERM, so a stop could not see that process end. The
// addon's processState asks only for SYNCHRONIZE. Looked up once; an addon
// that does not load (or an older one without it) leaves signal 0.
let windowsBinding: NativeWindowsBinding | null | undefined;

function windowsProbe(): NativeWindowsBinding | null {
  if (windowsBinding === undefined) {
    try {
      const binding = windowsNative();
      windowsBinding = typeof binding.processState === 'function' ? binding : null;
    } catch {
      windowsBinding = null;
    }
  }
  return windowsBinding;
}

/**
 * Whether `pid` is running as far as this process can see: 'unknown' when it
 * may not look (POSIX: EPERM; Windows: even SYNCHRONIZE access is refused,
 * as for a protected process).
 */
export function processVisibility(pid: number): Visibility {
  const binding = process.platform === 'win32' ? windowsProbe() : null;
  return binding ? binding.processState(pid) : bySignalZero(pid);
}

/** True unless the process `pid` is gone: one it may not look at counts as existing. */
export function processExists(pid: number): boolean {
  return processVisibility(pid) !== 'gone';
}
