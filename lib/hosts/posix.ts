// The posix host: a terminal, launchd, a container, any supervisor that speaks
// signals. The stop signals (default SIGTERM, SIGINT) stop; the reload signals
// (default SIGHUP) reload when the program listens for 'reload', and stop
// otherwise. Every other signal is left to Node. SIGINT and SIGQUIT are a
// person at a terminal: asked twice, they force the exit; a repeated SIGTERM
// (supervisors and process groups do send two) does not.
import { channel } from 'node:diagnostics_channel';
import { stderrLogger, type Logger } from '../lifecycle/log';
import type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus } from './host';
import { checkSignalOptions, INTERACTIVE_SIGNALS } from './signals';

/**
 * Options of the host that runs on POSIX signals (a terminal, launchd, a
 * container), and of the systemd host: `new Service(options)` passes its
 * stopSignals and reloadSignals here unread.
 */
export interface PosixHostOptions {
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
  /** Signals that stop the service. Default ['SIGTERM', 'SIGINT']. Others are left to Node. */
  stopSignals?: readonly NodeJS.Signals[];
  /** Signals that reload it when the program listens for 'reload', and stop it otherwise. Default ['SIGHUP']. */
  reloadSignals?: readonly NodeJS.Signals[];
}

// The signal lists reach the host from `new Service(options)`: an error names them there.
const CALLER = 'new Service(options)';

const ignore = (): void => {};
// Tests watch the rehearsal here; with no subscriber a publish costs nothing.
const rehearsals = channel('servicehost:stop-rehearsal');

function stopEvent(signal: NodeJS.Signals): HostEvent {
  return { type: 'stop', reason: 'signal', detail: signal, interactive: INTERACTIVE_SIGNALS.has(signal) };
}

/**
 * Plain stderr lines, the logger made on the first line: its prefix (the
 * script's name, escaped) costs a start that logs nothing some 0.3 ms of
 * first-time compiling; the name is read then.
 */
function lazyStderrLogger(name: () => string): Logger {
  let logger: Logger | undefined;
  const level = (key: keyof Logger) => (message: string) => (logger ??= stderrLogger(name()))[key](message);
  return { error: level('error'), warn: level('warn'), info: level('info'), debug: level('debug') };
}

export class PosixHost implements Host {
  readonly kind: HostKind = 'posix';
  readonly #exitProcess: (exitCode: number) => void;
  readonly #stopSignals: readonly NodeJS.Signals[];
  readonly #reloadSignals: readonly NodeJS.Signals[];
  #deliver: (event: HostEvent) => void = ignore;
  // The first stop signal's handler, once open: the stop rehearsal runs it.
  #onStopSignal: (() => void) | undefined;
  #reloadListened = false;
  #handlers: [NodeJS.Signals, (signal: NodeJS.Signals) => void][] = [];
  #closing: Promise<void> | undefined;

  constructor(options: PosixHostOptions = {}) {
    this.#exitProcess = options.exitProcess ?? ((code) => process.exit(code));
    const signals = checkSignalOptions(CALLER, options.stopSignals, options.reloadSignals);
    this.#stopSignals = signals.stopSignals;
    this.#reloadSignals = signals.reloadSignals;
  }

  open(deliver: (event: HostEvent) => void, _context: HostContext): void {
    this.#deliver = deliver;
    const stopSignals = this.#stopSignals;
    const reloadSignals = this.#reloadSignals;
    // A handler per signal, its event made once: on the way to the 'stop'
    // listeners the stop path looks nothing up and allocates nothing.
    for (const signal of stopSignals) {
      const event = stopEvent(signal);
      const onStopSignal = () => this.#deliver(event);
      this.#on(signal, onStopSignal);
      this.#onStopSignal ??= onStopSignal;
    }
    for (const signal of reloadSignals) {
      const event = stopEvent(signal);
      // Handed to the 'reload' listeners as it is: frozen, so that one cannot change the next one's.
      const reload: HostEvent = Object.freeze({ type: 'reload', reason: 'signal', detail: signal });
      this.#on(signal, () => this.#deliver(this.#reloadListened ? reload : event));
    }
  }

  /**
   * The first stop signal's handler, run as the signal would run it, through
   * to Service's delivery: a process hears one stop, so this path always runs
   * cold, and V8 compiling it then costs signal latency.
   */
  rehearseStop(): void {
    if (this.#onStopSignal === undefined || this.#closing || this.#deliver === ignore) return;
    this.#onStopSignal();
    rehearsals.publish({ part: 'host', kind: this.kind });
  }

  /** Journal priorities when stderr is systemd's journal stream (any unit type), else plain stderr. */
  defaultLogger(name: () => string): Logger {
    // Loaded only when stderr may be the journal: JOURNAL_STREAM is set.
    if (process.env.JOURNAL_STREAM) {
      const journal = require('./systemd/journal-logger') as typeof import('./systemd/journal-logger');
      if (journal.stderrIsJournal()) return journal.journalLogger();
    }
    return lazyStderrLogger(name);
  }

  listen(types: ReadonlySet<HostEventType>): void {
    this.#reloadListened = types.has('reload');
  }

  report(_status: HostStatus): void {}

  statusText(_message: string): boolean {
    return false;
  }

  close(exit: ExitInfo): Promise<void> {
    this.#closing ??= this.beforeExit(exit).then(() => {
      this.#exitProcess(exit.exitCode);
      // A test's exitProcess returns: give the signals back.
      this.#removeHandlers();
    });
    return this.#closing;
  }

  /** Gives every signal back to Node and delivers nothing more. */
  dispose(): void {
    this.#deliver = ignore;
    this.#removeHandlers();
  }

  /** The last word to the OS before the process exits. */
  protected async beforeExit(_exit: ExitInfo): Promise<void> {}

  #removeHandlers(): void {
    for (const [signal, handler] of this.#handlers.splice(0)) process.off(signal, handler);
  }

  #on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void {
    process.on(signal, handler);
    this.#handlers.push([signal, handler]);
  }
}
