// The Windows console host: the program runs in a console (a terminal, a
// scheduled task, a debugger), not under the SCM. Console control events map
// onto the same stop lifecycle.
import { ServicehostError } from '../errors';
import { loadNative } from '../native/load';
import { expectFunction, expectObject, expectOneOf, optionalInteger } from '../validate';
import type { ExitInfo, Host, HostEvent, HostEventType, HostStatus } from './host';
import { checkExitInfo, checkHostStatus, checkStatusText, exitProcessOption } from './host-checks';

export interface WindowsConsoleHostOptions {
  /**
   * How long a close, logoff or shutdown event holds the process open for the
   * stop to finish. Windows ends the process after 5 s; default 4500.
   */
  closeBudgetMs?: number;
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

/** CTRL_*_EVENT, by the name the stop event carries as `detail`. */
const CONSOLE_EVENTS: Record<number, string> = { 0: 'ctrl-c', 1: 'ctrl-break', 2: 'close', 5: 'logoff', 6: 'shutdown' };

export class WindowsConsoleHost implements Host {
  readonly kind = 'windows-console' as const;
  readonly #closeBudgetMs: number;
  readonly #exitProcess: (exitCode: number) => void;
  #opened = false;
  #closing: Promise<void> | undefined;

  constructor(options: WindowsConsoleHostOptions = {}) {
    const checked = expectObject('new WindowsConsoleHost(options)', options);
    this.#closeBudgetMs = optionalInteger('WindowsConsoleHost: options.closeBudgetMs', checked.closeBudgetMs, 0, 60_000) ?? 4_500;
    this.#exitProcess = exitProcessOption('WindowsConsoleHost', checked.exitProcess);
  }

  open(deliver: (event: HostEvent) => void): void {
    expectFunction('WindowsConsoleHost.open(deliver)', deliver);
    if (this.#opened) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsConsoleHost.open() was already called');
    if (process.platform !== 'win32') {
      throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'WindowsConsoleHost is only available on Windows.');
    }
    loadNative().startConsoleControlHandler({
      closeBudgetMs: this.#closeBudgetMs,
      onEvent: ({ ctrlType }) => deliver({ type: 'stop', reason: 'console', detail: CONSOLE_EVENTS[ctrlType] ?? `ctrl-${ctrlType}` }),
    });
    this.#opened = true;
  }

  listen(_types: ReadonlySet<HostEventType>): void {
    // A console offers stop alone; there is nothing to let in.
  }

  report(status: HostStatus): void {
    // A console has nowhere to show a status: checked, then dropped.
    checkHostStatus('WindowsConsoleHost.report', status);
  }

  /** A console has no status line. */
  statusText(message: string): boolean {
    checkStatusText('WindowsConsoleHost.statusText', message);
    return false;
  }

  close(exit: ExitInfo): Promise<void> {
    const { exitCode } = checkExitInfo('WindowsConsoleHost.close', exit);
    this.#closing ??= Promise.resolve().then(() => {
      // Exit while a held close event still waits: released first, Windows
      // would end the process with STATUS_CONTROL_C_EXIT, not our code.
      this.#exitProcess(exitCode);
      // A test's exitProcess returns: let the held event go.
      if (this.#opened) loadNative().releaseConsoleControl();
    });
    return this.#closing;
  }
}

/**
 * Diagnostics: moves this process onto a console of its own (FreeConsole,
 * AllocConsole) and raises Ctrl-C or Ctrl-Break there (GenerateConsoleCtrlEvent),
 * so the console handler runs as for a key typed at the console, and no other
 * process sees it. Throws the Win32 error where that fails.
 */
export function raiseConsoleControlForDiagnostics(control: 'ctrl-c' | 'ctrl-break'): void {
  const ctrlType = expectOneOf('raiseConsoleControlForDiagnostics(control)', control, ['ctrl-c', 'ctrl-break']) === 'ctrl-c' ? 0 : 1;
  if (process.platform !== 'win32') {
    throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'raiseConsoleControlForDiagnostics is only available on Windows.');
  }
  loadNative().debugGenerateConsoleControl(ctrlType);
}

const CTRL_TYPES = { 'ctrl-c': 0, 'ctrl-break': 1, close: 2, logoff: 5, shutdown: 6 } as const;

/**
 * Diagnostics: runs the console control handler on a new thread, as Windows
 * does for each console event, for the events no test can raise (closing the
 * console window, logoff, shutdown). As on Windows, once the handler returns
 * from close, logoff or shutdown, the process is ended (exit code
 * STATUS_CONTROL_C_EXIT, 0xC000013A), so a test sees how long the hold lasted.
 */
export function simulateConsoleEventForDiagnostics(event: keyof typeof CTRL_TYPES): void {
  const name = expectOneOf('simulateConsoleEventForDiagnostics(event)', event, Object.keys(CTRL_TYPES) as (keyof typeof CTRL_TYPES)[]);
  if (process.platform !== 'win32') {
    throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'simulateConsoleEventForDiagnostics is only available on Windows.');
  }
  loadNative().debugInvokeConsoleHandler(CTRL_TYPES[name]);
}
