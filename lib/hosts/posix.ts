// The posix host: a terminal, launchd, a container, any supervisor that speaks
// signals. SIGTERM and SIGINT stop; SIGHUP reloads when the program listens
// for 'reload', and stops otherwise. Every other signal is left alone.
import { ServicehostError } from '../errors';
import { journalLogger, stderrIsJournal, stderrLogger, type Logger } from '../lifecycle/log';
import { expectFunction, expectObject } from '../validate';
import type { ExitInfo, Host, HostEvent, HostEventType, HostKind, HostStatus } from './host';
import { checkExitInfo, checkHostStatus, checkStatusText, exitProcessOption } from './host-checks';

export interface PosixHostOptions {
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
// Made once: the stop path allocates nothing it need not.
const STOP_EVENTS: Record<string, HostEvent> = {
  SIGTERM: { type: 'stop', reason: 'signal', detail: 'SIGTERM' },
  SIGINT: { type: 'stop', reason: 'signal', detail: 'SIGINT' },
  SIGHUP: { type: 'stop', reason: 'signal', detail: 'SIGHUP' },
};
const RELOAD_EVENT: HostEvent = { type: 'reload' };

export class PosixHost implements Host {
  readonly kind: HostKind = 'posix';
  readonly #exitProcess: (exitCode: number) => void;
  #deliver: ((event: HostEvent) => void) | undefined;
  #onStopSignal: ((signal: NodeJS.Signals) => void) | undefined;
  #reloadListened = false;
  #handlers: [NodeJS.Signals, (signal: NodeJS.Signals) => void][] = [];
  #closing: Promise<void> | undefined;

  constructor(options: PosixHostOptions = {}) {
    this.#exitProcess = exitProcessOption(`new ${new.target.name}`, expectObject(`new ${new.target.name}(options)`, options).exitProcess);
  }

  open(deliver: (event: HostEvent) => void): void {
    expectFunction(`${this.constructor.name}.open(deliver)`, deliver);
    if (this.#deliver) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', `${this.constructor.name}.open() was already called`);
    this.#deliver = deliver;
    // One handler for every stop signal (Node passes the signal's name), so one function to rehearse.
    const onStopSignal = (signal: NodeJS.Signals) => deliver(STOP_EVENTS[signal]!);
    this.#onStopSignal = onStopSignal;
    for (const signal of STOP_SIGNALS) this.#on(signal, onStopSignal);
    this.#on('SIGHUP', () => deliver(this.#reloadListened ? RELOAD_EVENT : STOP_EVENTS.SIGHUP!));
  }

  rehearseStop(): void {
    this.#onStopSignal?.('SIGTERM');
  }

  /** Journal priorities when stderr is systemd's journal stream (any unit type), else plain stderr. */
  defaultLogger(name: () => string): Logger {
    return stderrIsJournal() ? journalLogger() : stderrLogger(name());
  }

  listen(types: ReadonlySet<HostEventType>): void {
    this.#reloadListened = types.has('reload');
  }

  report(status: HostStatus): void {
    checkHostStatus(`${this.constructor.name}.report`, status);
  }

  statusText(message: string): boolean {
    checkStatusText(`${this.constructor.name}.statusText`, message);
    return false;
  }

  close(exit: ExitInfo): Promise<void> {
    const { exitCode } = checkExitInfo(`${this.constructor.name}.close`, exit);
    this.#closing ??= Promise.resolve().then(() => {
      this.beforeExit(exit);
      this.#exitProcess(exitCode);
      // A test's exitProcess returns: give the signals back.
      for (const [signal, handler] of this.#handlers.splice(0)) process.off(signal, handler);
    });
    return this.#closing;
  }

  /** The last word to the OS before the process exits. */
  protected beforeExit(_exit: ExitInfo): void {}

  #on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void {
    process.on(signal, handler);
    this.#handlers.push([signal, handler]);
  }
}
