// The Windows service host: the program runs under the Service Control Manager.
import { ServicehostError } from '../errors';
import { expectFunction, expectInteger, expectObject, expectOneOf, optionalInteger } from '../validate';
import { setServiceStatus, startServiceDispatcher, type AcceptedControl, type DispatcherEvent } from '../windows-scm';
import type { ExitInfo, Host, HostEvent, HostStatus } from './host';

export interface WindowsServiceHostOptions {
  /** Wait hint of START_PENDING until the first progress report. Default 30000. */
  startWaitHintMs?: number;
  /** Wait hint of STOP_PENDING when a report gives none. Default 30000. */
  stopWaitHintMs?: number;
  /** How long close() waits for the dispatcher to return after STOPPED. Default 2000. */
  dispatcherExitTimeoutMs?: number;
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

const ACCEPTED_WHILE_RUNNING: readonly AcceptedControl[] = ['stop', 'shutdown'];
const MAX_WAIT_HINT = 0xffffffff;
// Longest timer Node allows; it never fires in practice and costs no wake-ups.
const KEEP_ALIVE_INTERVAL_MS = 2 ** 31 - 1;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Runs the program as a Windows service. While open, the host keeps the
 * process alive (the SCM expects it until STOPPED); close() reports STOPPED
 * exactly once and ends the process.
 */
export class WindowsServiceHost implements Host {
  readonly kind = 'windows-service' as const;
  readonly #startWaitHintMs: number;
  readonly #stopWaitHintMs: number;
  readonly #dispatcherExitTimeoutMs: number;
  readonly #exitProcess: (exitCode: number) => void;
  #deliver: ((event: HostEvent) => void) | undefined;
  #connected = false;
  #serviceName = '';
  #queuedStatus: HostStatus | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  readonly #settled = deferred(); // connected, or the dispatcher gave up
  readonly #dispatcherExited = deferred();

  constructor(options: WindowsServiceHostOptions = {}) {
    const checked = expectObject('new WindowsServiceHost(options)', options);
    this.#startWaitHintMs = optionalInteger('WindowsServiceHost: options.startWaitHintMs', checked.startWaitHintMs, 0, MAX_WAIT_HINT) ?? 30_000;
    this.#stopWaitHintMs = optionalInteger('WindowsServiceHost: options.stopWaitHintMs', checked.stopWaitHintMs, 0, MAX_WAIT_HINT) ?? 30_000;
    this.#dispatcherExitTimeoutMs =
      optionalInteger('WindowsServiceHost: options.dispatcherExitTimeoutMs', checked.dispatcherExitTimeoutMs, 0, 60_000) ?? 2_000;
    this.#exitProcess =
      checked.exitProcess === undefined
        ? (code) => process.exit(code)
        : (expectFunction('WindowsServiceHost: options.exitProcess', checked.exitProcess) as (code: number) => void);
  }

  /** The name the SCM started this service under; '' until it has. */
  get serviceName(): string {
    return this.#serviceName;
  }

  open(deliver: (event: HostEvent) => void): void {
    expectFunction('WindowsServiceHost.open(deliver)', deliver);
    if (this.#deliver) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.open() was already called');
    startServiceDispatcher({ onEvent: (event) => this.#onDispatcherEvent(event), startWaitHintMs: this.#startWaitHintMs });
    this.#deliver = deliver;
    this.#keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
  }

  report(status: HostStatus): void {
    const checked = expectObject('WindowsServiceHost.report(status)', status);
    expectOneOf('WindowsServiceHost.report: status.state', checked.state, ['starting', 'running', 'stopping']);
    optionalInteger('WindowsServiceHost.report: status.waitHintMs', checked.waitHintMs, 0, MAX_WAIT_HINT);
    if (!this.#deliver) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.report() before open()');
    if (this.#closing) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.report() after close()');
    // Until the SCM has called ServiceMain there is nothing to report to: keep the latest.
    if (!this.#connected) {
      this.#queuedStatus = status;
      return;
    }
    this.#apply(status);
  }

  close(exit: ExitInfo): Promise<void> {
    const checked = expectObject('WindowsServiceHost.close(exit)', exit);
    const exitCode = expectInteger('WindowsServiceHost.close: exit.exitCode', checked.exitCode, 0, 255);
    this.#closing ??= this.#finish(exitCode);
    return this.#closing;
  }

  async #finish(exitCode: number): Promise<void> {
    if (this.#deliver) {
      await Promise.race([this.#settled.promise, delay(this.#startWaitHintMs)]);
    }
    if (this.#connected) {
      try {
        // A non-zero outcome goes to the SCM as ERROR_SERVICE_SPECIFIC_ERROR
        // (1066) plus the code, so that recovery actions fire.
        setServiceStatus({ state: 'stopped', serviceSpecificExitCode: exitCode });
      } catch {
        // Already stopped through the low-level API: the SCM has its final status.
      }
      await Promise.race([this.#dispatcherExited.promise, delay(this.#dispatcherExitTimeoutMs)]);
    }
    clearInterval(this.#keepAlive);
    this.#exitProcess(exitCode);
  }

  #apply(status: HostStatus): void {
    switch (status.state) {
      case 'starting':
        setServiceStatus({ state: 'start-pending', waitHintMs: status.waitHintMs ?? this.#startWaitHintMs });
        return;
      case 'running':
        setServiceStatus({ state: 'running', controlsAccepted: ACCEPTED_WHILE_RUNNING });
        return;
      case 'stopping':
        setServiceStatus({ state: 'stop-pending', waitHintMs: status.waitHintMs ?? this.#stopWaitHintMs });
        return;
    }
  }

  #onDispatcherEvent(event: DispatcherEvent): void {
    switch (event.type) {
      case 'service-main':
        if (event.error) {
          this.#deliver?.({ type: 'error', error: event.error });
        } else {
          this.#serviceName = event.serviceName;
          this.#connected = true;
          const queued = this.#queuedStatus;
          this.#queuedStatus = undefined;
          if (queued && !this.#closing) this.#apply(queued);
        }
        this.#settled.resolve();
        return;
      case 'control':
        if (event.control === 'stop') this.#deliver?.({ type: 'stop', reason: 'scm-stop' });
        else if (event.control === 'shutdown') this.#deliver?.({ type: 'stop', reason: 'shutdown' });
        return;
      case 'dispatcher-exit':
        if (event.error) this.#deliver?.({ type: 'error', error: event.error });
        this.#settled.resolve();
        this.#dispatcherExited.resolve();
        return;
    }
  }
}
