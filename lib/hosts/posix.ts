// The posix host: a terminal, launchd, a container, any supervisor that speaks
// signals. The stop signals (default SIGTERM, SIGINT) stop; the reload signals
// (default SIGHUP) reload when the program listens for 'reload', and stop
// otherwise. Every other signal is left to Node. SIGINT and SIGQUIT are a
// person at a terminal: asked twice, they force the exit; a repeated SIGTERM
// (supervisors and process groups do send two) does not.
import { channel } from 'node:diagnostics_channel';
import { stderrLogger, type Logger } from '../lifecycle/log';
import type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus } from './host';
import { DEFAULT_RELOAD_SIGNALS, DEFAULT_STOP_SIGNALS, INTERACTIVE_SIGNALS } from './signals';

/** Options of the host that runs on POSIX signals (a terminal, launchd, a container). */
export interface PosixHostOptions {
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

const RELOAD_EVENT: HostEvent = { type: 'reload' };
const ignore = (): void => {};
// Tests watch the rehearsal here; with no subscriber a publish costs nothing.
const rehearsals = channel('servicehost:stop-rehearsal');

function stopEvent(signal: NodeJS.Signals): HostEvent {
  return { type: 'stop', reason: 'signal', detail: signal, interactive: INTERACTIVE_SIGNALS.has(signal) };
}

export class PosixHost implements Host {
  readonly kind: HostKind = 'posix';
  readonly #exitProcess: (exitCode: number) => void;
  #deliver: (event: HostEvent) => void = ignore;
  #reloadListened = false;
  #handlers: [NodeJS.Signals, (signal: NodeJS.Signals) => void][] = [];
  #closing: Promise<void> | undefined;

  constructor(options: PosixHostOptions = {}) {
    this.#exitProcess = options.exitProcess ?? ((code) => process.exit(code));
  }

  open(deliver: (event: HostEvent) => void, context: HostContext): void {
    this.#deliver = deliver;
    const stopSignals = context.stopSignals ?? DEFAULT_STOP_SIGNALS;
    const reloadSignals = context.reloadSignals ?? DEFAULT_RELOAD_SIGNALS;
    // Made once: the stop path allocates nothing it need not.
    const stopEvents = new Map<string, HostEvent>([...stopSignals, ...reloadSignals].map((signal) => [signal, stopEvent(signal)]));
    // One handler for every stop signal, one for every reload signal (Node passes the signal's name).
    const onStopSignal = (signal: NodeJS.Signals) => this.#deliver(stopEvents.get(signal)!);
    const onReloadSignal = (signal: NodeJS.Signals) => this.#deliver(this.#reloadListened ? RELOAD_EVENT : stopEvents.get(signal)!);
    for (const signal of stopSignals) this.#on(signal, onStopSignal);
    for (const signal of reloadSignals) this.#on(signal, onReloadSignal);
    const rehearsed = stopSignals[0];
    if (rehearsed === undefined) return;
    // A process hears one stop, so this handler always runs cold: V8 compiling
    // it then costs signal latency. Run it once now with delivery switched off.
    // A ref'd immediate: an unref'd one would wait for the loop's next
    // wake-up, which in an idle service is the stop itself.
    setImmediate(() => {
      if (this.#closing || this.#deliver !== deliver) return;
      this.#deliver = ignore;
      try {
        onStopSignal(rehearsed);
      } finally {
        this.#deliver = deliver;
      }
      rehearsals.publish({ part: 'host', kind: this.kind });
    });
  }

  /** Journal priorities when stderr is systemd's journal stream (any unit type), else plain stderr. */
  defaultLogger(name: () => string): Logger {
    // Loaded only when stderr may be the journal: JOURNAL_STREAM is set.
    if (process.env.JOURNAL_STREAM) {
      const journal = require('./systemd/journal-logger') as typeof import('./systemd/journal-logger');
      if (journal.stderrIsJournal()) return journal.journalLogger();
    }
    return stderrLogger(name());
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
