// The posix host: a terminal, launchd, a container, any supervisor that speaks
// signals. SIGTERM and SIGINT stop; SIGHUP reloads when the program listens
// for 'reload', and stops otherwise. Every other signal is left alone. SIGINT
// is a person at a terminal: asked twice, it forces the exit; a repeated
// SIGTERM (supervisors and process groups do send two) does not.
import { channel } from 'node:diagnostics_channel';
import { stderrLogger, type Logger } from '../lifecycle/log';
import type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus } from './host';

export interface PosixHostOptions {
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
// Made once: the stop path allocates nothing it need not.
const STOP_EVENTS: Record<string, HostEvent> = {
  SIGTERM: { type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false },
  SIGINT: { type: 'stop', reason: 'signal', detail: 'SIGINT', interactive: true },
  SIGHUP: { type: 'stop', reason: 'signal', detail: 'SIGHUP', interactive: false },
};
const RELOAD_EVENT: HostEvent = { type: 'reload' };
const ignore = (): void => {};
// Tests watch the rehearsal here; with no subscriber a publish costs nothing.
const rehearsals = channel('servicehost:stop-rehearsal');

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

  open(deliver: (event: HostEvent) => void, _context: HostContext): void {
    this.#deliver = deliver;
    // One handler for every stop signal (Node passes the signal's name).
    const onStopSignal = (signal: NodeJS.Signals) => this.#deliver(STOP_EVENTS[signal]!);
    for (const signal of STOP_SIGNALS) this.#on(signal, onStopSignal);
    this.#on('SIGHUP', () => this.#deliver(this.#reloadListened ? RELOAD_EVENT : STOP_EVENTS.SIGHUP!));
    // A process hears one stop, so this handler always runs cold: V8 compiling
    // it then costs signal latency. Run it once now with delivery switched off.
    // A ref'd immediate: an unref'd one would wait for the loop's next
    // wake-up, which in an idle service is the stop itself.
    setImmediate(() => {
      if (this.#closing || this.#deliver !== deliver) return;
      this.#deliver = ignore;
      try {
        onStopSignal('SIGTERM');
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
      for (const [signal, handler] of this.#handlers.splice(0)) process.off(signal, handler);
    });
    return this.#closing;
  }

  /** The last word to the OS before the process exits. */
  protected async beforeExit(_exit: ExitInfo): Promise<void> {}

  #on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void {
    process.on(signal, handler);
    this.#handlers.push([signal, handler]);
  }
}
