// The Windows service host: the program runs under the Service Control
// Manager. A thin adapter: the native dispatcher owns SERVICE_STATUS (it
// reports STOP_PENDING, PAUSE_PENDING and CONTINUE_PENDING the moment a
// control arrives), a control is parsed once into the event Service
// receives, and Service owns the lifecycle. The dispatcher connection holds
// the process open until STOPPED (and natively a while after, for the raw
// contract's 'dispatcher-exit'); a Service ends its process itself, with its
// own code, once the dispatcher has returned or dispatcherExitTimeoutMs passed.
import { ServicehostError } from '../errors';
import type { Logger } from '../lifecycle/log';
import { stderrLogger } from '../lifecycle/log';
import type { NativeDispatcherRecord } from '../native/windows-binding';
import { expectFunction, expectObject, optionalBoolean, optionalInteger } from '../validate';
import { MAX_DWORD, acceptFlag, acceptFlagForEvent, controlCode, scmStateOf } from '../windows/codes';
import { connectDispatcher, type DispatcherConnection } from '../windows/dispatcher';
import { eventLogLogger } from '../windows/event-log';
import { acceptMask, parseDispatcherRecord, type DispatcherEvent } from '../windows/scm';
import type { ControlRequest, ExitInfo, Host, HostContext, HostEvent, HostEventType, HostStatus } from './host';

/** Options of the Windows service host (the SCM started the process): `new Service({ hostOptions: { windowsService: { ... } } })`. */
export interface WindowsServiceHostOptions {
  /** Controls to accept beyond those the listeners need (e.g. 'preshutdown', 'timechange'). */
  acceptedControls?: readonly import('../windows/codes').AcceptedControl[];
  /** Accept SHUTDOWN, a graceful stop when Windows shuts down. Default true. */
  acceptShutdown?: boolean;
  /** Wait hint of the PAUSE_PENDING and CONTINUE_PENDING reported when the control arrives. Default 30000. */
  pendingWaitHintMs?: number;
  /** How long close() waits for the dispatcher to return after STOPPED. Default 2000. */
  dispatcherExitTimeoutMs?: number;
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

// What a pause, continue or reload listener receives, made once: plain data, as
// the 'stop' listeners' { reason } is, frozen because every control shares it.
// (The parsed control, with its code and receivedAt, is servicehost/windows's.)
const SCM_CONTROL_REQUESTS = {
  pause: Object.freeze({ type: 'pause', reason: 'scm', detail: 'pause' }),
  continue: Object.freeze({ type: 'continue', reason: 'scm', detail: 'continue' }),
  reload: Object.freeze({ type: 'reload', reason: 'scm', detail: 'paramchange' }),
} as const satisfies { [K in 'pause' | 'continue' | 'reload']: ControlRequest<K> };

// How long close() waits for ServiceMain when the SCM has not called it yet.
const SERVICE_MAIN_WAIT_MS = 30_000;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

// Waits for `promise`, at most `ms`. The timer is ref'd: the dispatcher's own
// hold after STOPPED ends at its bound (10 s, cpp/win/service_dispatcher.h),
// and the process must live until exitProcess gives it the service's own code.
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class WindowsServiceHost implements Host {
  readonly kind = 'windows-service' as const;
  readonly #explicitAccept: number;
  readonly #pendingWaitHintMs: number;
  readonly #dispatcherExitTimeoutMs: number;
  readonly #exitProcess: (exitCode: number) => void;
  #connection: DispatcherConnection | undefined;
  #deliver: (event: HostEvent) => void = () => {};
  #listened: ReadonlySet<HostEventType> = new Set();
  #serviceName = '';
  #connected = false;
  // A report made before the SCM called ServiceMain: applied when it does.
  #beforeServiceMain: HostStatus | undefined;
  #closing: Promise<void> | undefined;
  readonly #settled = deferred(); // ServiceMain ran, or the dispatcher gave up
  readonly #dispatcherExited = deferred();
  // Each record the dispatcher queued, on the main thread: parsed once, delivered.
  readonly #onRecord = (record: NativeDispatcherRecord): void => this.#onEvent(parseDispatcherRecord(record));

  constructor(options: WindowsServiceHostOptions = {}) {
    const checked = expectObject('hostOptions.windowsService', options);
    const where = (key: string) => `hostOptions.windowsService.${key}`;
    let explicit = acceptFlag('stop');
    if (optionalBoolean(where('acceptShutdown'), checked.acceptShutdown) !== false) explicit |= acceptFlag('shutdown');
    if (checked.acceptedControls !== undefined) explicit |= acceptMask(where('acceptedControls'), checked.acceptedControls);
    this.#explicitAccept = explicit;
    this.#pendingWaitHintMs = optionalInteger(where('pendingWaitHintMs'), checked.pendingWaitHintMs, 0, MAX_DWORD) ?? 30_000;
    this.#dispatcherExitTimeoutMs = optionalInteger(where('dispatcherExitTimeoutMs'), checked.dispatcherExitTimeoutMs, 0, 60_000) ?? 2_000;
    this.#exitProcess =
      checked.exitProcess === undefined ? (code) => process.exit(code) : (expectFunction('exitProcess', checked.exitProcess) as (code: number) => void);
  }

  /** The name the SCM started this service under; '' until it has. */
  get serviceName(): string {
    return this.#serviceName;
  }

  /** Resolves when the SCM has called ServiceMain (or the dispatcher gave up: the error event says so). */
  whenConnected(): Promise<void> {
    return this.#settled.promise;
  }

  open(deliver: (event: HostEvent) => void, context: HostContext): void {
    this.#deliver = deliver;
    const connection = connectDispatcher({ startWaitHintMs: context.startTimeoutMs });
    this.#connection = connection;
    this.#applyPolicy(context.stopTimeoutMs);
    connection.consume(this.#onRecord);
  }

  /** An SCM stop, parsed and delivered as the dispatcher's would be, so that the one real stop runs compiled code. */
  rehearseStop(): void {
    if (!this.#connected || this.#closing) return;
    this.#onRecord({ type: 'control', code: controlCode('stop'), eventType: 0, repeats: 1, receivedAt: Number(process.hrtime.bigint()) / 1e6 });
  }

  /**
   * The Event Log under the service's name; stderr when that fails. While the
   * register preload captures output (output.log), stderr too: the file then
   * holds why the service ended (an uncaught error's stack), next to what it printed.
   */
  defaultLogger(name: () => string): Logger {
    const stderr = stderrLogger(name());
    const eventLog = eventLogLogger(name, stderr);
    if ((globalThis as Record<symbol, unknown>)[Symbol.for('servicehost.outputCaptured')] !== true) return eventLog;
    const both = (level: keyof Logger) => (message: string) => {
      eventLog[level](message);
      stderr[level](message);
    };
    return { error: both('error'), warn: both('warn'), info: both('info'), debug: stderr.debug };
  }

  listen(types: ReadonlySet<HostEventType>): void {
    this.#listened = types;
    if (this.#connection === undefined) return;
    this.#applyPolicy();
    if (this.#connected && !this.#closing) this.#connection.native.setControlsAccepted({ controlsAccepted: this.#acceptMask() });
  }

  report(status: HostStatus): void {
    if (this.#closing) return;
    if (!this.#connected) {
      this.#beforeServiceMain = status;
      return;
    }
    this.#apply(status);
  }

  /** The SCM has no status text. */
  statusText(_message: string): boolean {
    return false;
  }

  close(exit: ExitInfo): Promise<void> {
    this.#closing ??= this.#finish(exit.exitCode);
    return this.#closing;
  }

  /** The SCM's connection lasts the process's life: a Windows service ends by stopping. */
  dispose(): void {
    throw new ServicehostError(
      'ERR_SERVICEHOST_HOST_STATE',
      'A Windows service cannot let go of the SCM: its connection lasts the life of the process. Stop the service (service.stop()) instead.',
    );
  }

  #acceptMask(): number {
    let mask = this.#explicitAccept;
    for (const type of this.#listened) {
      const flag = acceptFlagForEvent(type);
      if (flag) mask |= acceptFlag(flag);
    }
    return mask;
  }

  // What the dispatcher does on its own follows the listeners: custom codes
  // and interrogate reach JavaScript only while someone listens for them.
  #applyPolicy(stopTimeoutMs?: number): void {
    this.#connection!.native.setDispatcherPolicy({
      pendingWaitHint: this.#pendingWaitHintMs,
      deliverCustom: this.#listened.has('custom'),
      deliverInterrogate: this.#listened.has('control'),
      ...(stopTimeoutMs === undefined ? {} : { stopWaitHint: Math.min(stopTimeoutMs, MAX_DWORD) }),
    });
  }

  #apply(status: HostStatus): void {
    // The SCM has no reloading state: the service stays RUNNING through PARAMCHANGE.
    if (status.state === 'reloading' || status.state === 'reloaded') return;
    const state = scmStateOf(status.state).code;
    const waitHint = 'waitHintMs' in status && status.waitHintMs !== undefined ? Math.min(status.waitHintMs, MAX_DWORD) : this.#pendingWaitHintMs;
    this.#connection!.native.setServiceStatus({ state, waitHint });
  }

  #onEvent(event: DispatcherEvent): void {
    switch (event.type) {
      case 'service-main':
        if (event.error) {
          this.#deliver({ type: 'error', error: event.error });
        } else {
          this.#serviceName = event.serviceName;
          this.#connected = true;
          // Kept natively for the first state that may accept controls.
          this.#connection!.native.setControlsAccepted({ controlsAccepted: this.#acceptMask() });
          const waiting = this.#beforeServiceMain;
          this.#beforeServiceMain = undefined;
          if (waiting && !this.#closing) this.#apply(waiting);
        }
        this.#settled.resolve();
        return;
      case 'dispatcher-exit':
        if (event.error) this.#deliver({ type: 'error', error: event.error });
        this.#settled.resolve();
        this.#dispatcherExited.resolve();
        return;
      case 'pause':
      case 'continue':
      case 'reload':
        this.#deliver(SCM_CONTROL_REQUESTS[event.type]);
        return;
      default:
        // The parsed control is the lifecycle event: nothing translates it again.
        this.#deliver(event);
    }
  }

  async #finish(exitCode: number): Promise<void> {
    if (this.#connection) await within(this.#settled.promise, SERVICE_MAIN_WAIT_MS);
    // Whatever ends the process from here on ends it with the service's code.
    process.exitCode = exitCode;
    if (this.#connected) {
      try {
        // A non-zero outcome goes to the SCM as ERROR_SERVICE_SPECIFIC_ERROR
        // (1066) plus the code, so that recovery actions fire.
        this.#connection!.native.setServiceStatus({ state: scmStateOf('stopped').code, serviceSpecificExitCode: exitCode });
      } catch {
        // Already stopped through the raw API: the SCM has its final status.
      }
      await within(this.#dispatcherExited.promise, this.#dispatcherExitTimeoutMs);
    }
    this.#exitProcess(exitCode);
  }
}
