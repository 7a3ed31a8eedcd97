// The Windows console host: the program runs in a console (a terminal, a
// scheduled task, a debugger), not under the SCM. Console control events map
// onto the same stop lifecycle.
import { windowsNative } from '../native/load';
import { expectFunction, expectObject, optionalInteger } from '../validate';
import { CONSOLE_CTRL_TYPES, nameOfCode } from '../windows/codes';
import type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostStatus } from './host';

/** Options of the Windows console host: the program runs in a console, not under the SCM. */
export interface WindowsConsoleHostOptions {
  /**
   * How long a close, logoff or shutdown event holds the process open for the
   * stop to finish. Windows ends the process after 5 s; default 4500.
   */
  closeBudgetMs?: number;
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

/** CTRL_*_EVENT → the stop event: Ctrl-C and Ctrl-Break are a person at the keyboard (asked twice, the exit is forced). */
function consoleEvent(ctrlType: number): HostEvent {
  const name = nameOfCode(CONSOLE_CTRL_TYPES, ctrlType);
  return { type: 'stop', reason: 'console', detail: name ?? `ctrl-${ctrlType}`, interactive: name === 'ctrl-c' || name === 'ctrl-break' };
}
// Made once: the stop path allocates and searches nothing it need not.
const CONSOLE_EVENTS = new Map<number, HostEvent>(Object.values(CONSOLE_CTRL_TYPES).map((code) => [code, consoleEvent(code)]));

export class WindowsConsoleHost implements Host {
  readonly kind = 'windows-console' as const;
  readonly #closeBudgetMs: number;
  readonly #exitProcess: (exitCode: number) => void;
  #opened = false;
  #closing: Promise<void> | undefined;
  #deliver: (event: HostEvent) => void = () => {};
  // What the native console handler calls (on the main thread, through its thread-safe function).
  readonly #onEvent = ({ ctrlType }: { ctrlType: number }): void => this.#deliver(CONSOLE_EVENTS.get(ctrlType) ?? consoleEvent(ctrlType));

  constructor(options: WindowsConsoleHostOptions = {}) {
    const checked = expectObject('hostOptions.windowsConsole', options);
    this.#closeBudgetMs = optionalInteger('hostOptions.windowsConsole.closeBudgetMs', checked.closeBudgetMs, 0, 60_000) ?? 4_500;
    this.#exitProcess =
      checked.exitProcess === undefined ? (code) => process.exit(code) : (expectFunction('exitProcess', checked.exitProcess) as (code: number) => void);
  }

  open(deliver: (event: HostEvent) => void, _context: HostContext): void {
    this.#deliver = deliver;
    windowsNative().startConsoleControlHandler({ closeBudgetMs: this.#closeBudgetMs, onEvent: this.#onEvent });
    this.#opened = true;
  }

  /** A Ctrl-C, as the console handler delivers it, so that the one real stop runs compiled code. */
  rehearseStop(): void {
    if (this.#opened && !this.#closing) this.#onEvent({ ctrlType: CONSOLE_CTRL_TYPES['ctrl-c'] });
  }

  listen(_types: ReadonlySet<HostEventType>): void {
    // A console offers stop alone; there is nothing to let in.
  }

  /** A console has nowhere to show a status. */
  report(_status: HostStatus): void {}

  /** A console has no status line. */
  statusText(_message: string): boolean {
    return false;
  }

  /** Gives Ctrl-C, Ctrl-Break and close back to Windows' default handling. */
  dispose(): void {
    if (!this.#opened) return;
    this.#opened = false;
    windowsNative().stopConsoleControlHandler();
  }

  close(exit: ExitInfo): Promise<void> {
    const { exitCode } = exit;
    this.#closing ??= Promise.resolve().then(() => {
      // Exit while a held close event still waits: released first, Windows
      // would end the process with STATUS_CONTROL_C_EXIT, not our code.
      this.#exitProcess(exitCode);
      // A test's exitProcess returns: let the held event go.
      if (this.#opened) windowsNative().releaseConsoleControl();
    });
    return this.#closing;
  }
}
