// Diagnostics for the console control handler: the events a test cannot
// type or cause (Ctrl-Break, closing the window, logoff, shutdown), raised or
// run for real. Part of `servicehost/windows`.
import { ServicehostError } from '../errors';
import { windowsNative } from '../native/load';
import { expectOneOf } from '../validate';
import { CONSOLE_CTRL_TYPES } from './codes';

/**
 * Diagnostics: moves this process onto a console of its own (FreeConsole,
 * AllocConsole) and raises Ctrl-C or Ctrl-Break there (GenerateConsoleCtrlEvent),
 * so the console handler runs as for a key typed at the console, and no other
 * process sees it. Throws the Win32 error where that fails.
 */
export function raiseConsoleControlForDiagnostics(control: 'ctrl-c' | 'ctrl-break'): void {
  const ctrlType = expectOneOf('raiseConsoleControlForDiagnostics(control)', control, ['ctrl-c', 'ctrl-break'] as const) === 'ctrl-c' ? CONSOLE_CTRL_TYPES['ctrl-c'] : CONSOLE_CTRL_TYPES['ctrl-break'];
  if (process.platform !== 'win32') {
    throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'raiseConsoleControlForDiagnostics is only available on Windows.');
  }
  windowsNative().debugGenerateConsoleControl(ctrlType);
}

/** A console control event, by name: Ctrl-C, Ctrl-Break, the window closed, the user logged off, Windows shuts down. */
export type ConsoleEventName = 'ctrl-c' | 'ctrl-break' | 'close' | 'logoff' | 'shutdown';

// Each name has its CTRL_*_EVENT code in codes.ts.
const CTRL_TYPES = CONSOLE_CTRL_TYPES satisfies Record<ConsoleEventName, number>;

/**
 * Diagnostics: runs the console control handler on a new thread, as Windows
 * does for each console event, for the events no test can raise (closing the
 * console window, logoff, shutdown). As on Windows, once the handler returns
 * from close, logoff or shutdown, the process is ended (exit code
 * STATUS_CONTROL_C_EXIT, 0xC000013A), so a test sees how long the hold lasted.
 */
export function simulateConsoleEventForDiagnostics(event: ConsoleEventName): void {
  const name = expectOneOf('simulateConsoleEventForDiagnostics(event)', event, Object.keys(CTRL_TYPES) as ConsoleEventName[]);
  if (process.platform !== 'win32') {
    throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'simulateConsoleEventForDiagnostics is only available on Windows.');
  }
  windowsNative().debugInvokeConsoleHandler(CTRL_TYPES[name]);
}
