// The Windows service host: the program runs under the Service Control Manager.
import { EventEmitter } from 'node:events';
import { ServicehostError } from '../errors';
import { eventLogLogger, stderrLogger, type Logger } from '../lifecycle/log';
import { expectFunction, expectObject, optionalInteger } from '../validate';
import { consumeDispatcherEvents, connectDispatcher } from '../windows/dispatcher';
import {
  acceptFlags,
  acceptMask,
  acceptedControlNames,
  setControlsAccepted,
  setServiceStatus,
  type AcceptedControl,
  type ControlEvent,
  type DispatcherEvent,
  type ServiceStateName,
} from '../windows/scm';
import type { ExitInfo, Host, HostEvent, HostEventType, HostStatus } from './host';
import { checkExitInfo, checkHostStatus, checkStatusText, exitProcessOption } from './host-checks';

export interface WindowsServiceHostOptions {
  /** Wait hint of START_PENDING until the first progress report. Default 30000. */
  startWaitHintMs?: number;
  /** Wait hint of a pending state when a report gives none. Default 30000. */
  pendingWaitHintMs?: number;
  /** Controls to accept beyond those the listeners need (e.g. 'preshutdown', 'timechange'). */
  acceptedControls?: readonly AcceptedControl[];
  /** Accept SHUTDOWN, a graceful stop when Windows shuts down. Default true. */
  acceptShutdown?: boolean;
  /** How long close() waits for the dispatcher to return after STOPPED. Default 2000. */
  dispatcherExitTimeoutMs?: number;
  /** Ends the process; `process.exit` unless a test hands in another. */
  exitProcess?: (exitCode: number) => void;
}

/** The host's events, each with its payload. */
export type WindowsServiceHostEvents = {
  [K in HostEventType]: [Extract<HostEvent, { type: K }>];
};

// What each event needs the SCM to let in.
const ACCEPT_FOR_EVENT: Partial<Record<HostEventType, AcceptedControl>> = {
  pause: 'pause-continue',
  continue: 'pause-continue',
  reload: 'paramchange',
  power: 'powerevent',
  session: 'sessionchange',
};

const PENDING_STATES: Record<string, ServiceStateName> = {
  starting: 'start-pending',
  pausing: 'pause-pending',
  continuing: 'continue-pending',
  stopping: 'stop-pending',
};

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

function toHostEvent(event: ControlEvent): HostEvent {
  switch (event.control) {
    case 'stop':
      return { type: 'stop', reason: 'scm-stop' };
    case 'shutdown':
      return { type: 'stop', reason: 'shutdown' };
    case 'preshutdown':
      return { type: 'stop', reason: 'preshutdown' };
    case 'pause':
      return { type: 'pause' };
    case 'continue':
      return { type: 'continue' };
    case 'paramchange':
      return { type: 'reload' };
    case 'powerevent':
      return { type: 'power', eventType: event.eventType, ...(event.powerSetting ? { powerSetting: event.powerSetting, data: event.data! } : {}) };
    case 'sessionchange':
      return { type: 'session', eventType: event.eventType, sessionId: event.sessionId ?? 0 };
    case 'custom':
      return { type: 'custom', code: event.code };
    default: {
      const { newTime, oldTime, deviceType } = event;
      return {
        type: 'control',
        name: event.control,
        code: event.code,
        eventType: event.eventType,
        ...(newTime === undefined ? {} : { newTime, oldTime: oldTime! }),
        ...(deviceType === undefined ? {} : { deviceType }),
      };
    }
  }
}

/**
 * Runs the program as a Windows service. Listen to its events (stop, pause,
 * continue, reload, power, session, custom, control, error) directly, or hand
 * a `deliver` callback to open(): the controls the SCM may send follow the
 * events listened to, plus `acceptedControls`. While open, the host keeps the
 * process alive (the SCM expects it until STOPPED); close() reports STOPPED
 * exactly once and ends the process.
 *
 * On PAUSE and CONTINUE the host reports PAUSE_PENDING / CONTINUE_PENDING at
 * once; the program reports 'paused' or 'running' when it is.
 *
 * No control is lost: one that arrives before anything listens for its type
 * (custom codes and device events arrive whatever is accepted) is held and
 * handed to the first listener of that type.
 */
export class WindowsServiceHost extends EventEmitter<WindowsServiceHostEvents> implements Host {
  readonly kind = 'windows-service' as const;
  readonly #startWaitHintMs: number;
  readonly #pendingWaitHintMs: number;
  readonly #dispatcherExitTimeoutMs: number;
  readonly #explicitAccept: number;
  readonly #exitProcess: (exitCode: number) => void;
  #opened = false;
  #deliver: ((event: HostEvent) => void) | undefined;
  #listened = new Set<HostEventType>();
  #held: HostEvent[] = [];
  #connected = false;
  #serviceName = '';
  #state: ServiceStateName = 'start-pending';
  #queuedStatus: HostStatus | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  readonly #settled = deferred(); // connected, or the dispatcher gave up
  readonly #dispatcherExited = deferred();

  constructor(options: WindowsServiceHostOptions = {}) {
    super();
    const checked = expectObject('new WindowsServiceHost(options)', options);
    const where = (key: string) => `WindowsServiceHost: options.${key}`;
    this.#startWaitHintMs = optionalInteger(where('startWaitHintMs'), checked.startWaitHintMs, 0, MAX_WAIT_HINT) ?? 30_000;
    this.#pendingWaitHintMs = optionalInteger(where('pendingWaitHintMs'), checked.pendingWaitHintMs, 0, MAX_WAIT_HINT) ?? 30_000;
    this.#dispatcherExitTimeoutMs = optionalInteger(where('dispatcherExitTimeoutMs'), checked.dispatcherExitTimeoutMs, 0, 60_000) ?? 2_000;
    let explicit = acceptFlags.stop;
    if (checked.acceptShutdown !== false) explicit |= acceptFlags.shutdown;
    if (checked.acceptedControls !== undefined) explicit |= acceptMask(where('acceptedControls'), checked.acceptedControls);
    this.#explicitAccept = explicit;
    this.#exitProcess = exitProcessOption('WindowsServiceHost', checked.exitProcess);
    // Listener changes move SERVICE_ACCEPT_*; 'newListener' fires before the listener is added.
    const untyped = this as unknown as EventEmitter;
    untyped.on('newListener', (type: string) =>
      queueMicrotask(() => {
        this.#updateAccepted();
        this.#releaseHeld(type);
      }),
    );
    untyped.on('removeListener', () => this.#updateAccepted());
  }

  /** The name the SCM started this service under; '' until it has. */
  get serviceName(): string {
    return this.#serviceName;
  }

  /** The SERVICE_ACCEPT_* the host wants now: explicit ones plus what listeners need. */
  get acceptedControls(): AcceptedControl[] {
    return acceptedControlNames(this.#acceptMask());
  }

  open(deliver?: (event: HostEvent) => void): void {
    if (deliver !== undefined) expectFunction('WindowsServiceHost.open(deliver)', deliver);
    if (this.#opened) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.open() was already called');
    connectDispatcher({ startWaitHintMs: this.#startWaitHintMs });
    consumeDispatcherEvents((event) => this.#onDispatcherEvent(event));
    this.#opened = true;
    this.#deliver = deliver;
    this.#keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
  }

  listen(types: ReadonlySet<HostEventType>): void {
    this.#listened = new Set(types);
    this.#updateAccepted();
  }

  report(status: HostStatus): void {
    checkHostStatus('WindowsServiceHost.report', status);
    if (!this.#opened) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.report() before open()');
    if (this.#closing) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'WindowsServiceHost.report() after close()');
    // Until the SCM has called ServiceMain there is nothing to report to: keep the latest.
    if (!this.#connected) {
      this.#queuedStatus = status;
      return;
    }
    this.#apply(status);
  }

  /** The Event Log under the service's name; stderr when that fails. */
  defaultLogger(name: () => string): Logger {
    return eventLogLogger(name, stderrLogger(name()));
  }

  /** The SCM has no status text. */
  statusText(message: string): boolean {
    checkStatusText('WindowsServiceHost.statusText', message);
    return false;
  }

  close(exit: ExitInfo): Promise<void> {
    const { exitCode } = checkExitInfo('WindowsServiceHost.close', exit);
    this.#closing ??= this.#finish(exitCode);
    return this.#closing;
  }

  async #finish(exitCode: number): Promise<void> {
    if (this.#opened) await Promise.race([this.#settled.promise, delay(this.#startWaitHintMs)]);
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

  #acceptMask(): number {
    let mask = this.#explicitAccept;
    const wanted = new Set<HostEventType>([...this.#listened, ...(this.eventNames() as HostEventType[])]);
    for (const type of wanted) {
      const flag = ACCEPT_FOR_EVENT[type];
      if (flag) mask |= acceptFlags[flag];
    }
    return mask;
  }

  #acceptedNow(): AcceptedControl[] {
    // Nothing is let in while a stop is under way.
    return this.#state === 'stop-pending' ? [] : this.acceptedControls;
  }

  #updateAccepted(): void {
    if (!this.#connected || this.#closing || this.#state === 'start-pending') return;
    setControlsAccepted(this.#acceptedNow());
  }

  #apply(status: HostStatus): void {
    // The SCM has no reloading state: the service stays RUNNING through PARAMCHANGE.
    if (status.state === 'reloading') return;
    const pending = PENDING_STATES[status.state];
    this.#state = pending ?? (status.state as ServiceStateName);
    const defaultWaitHintMs = status.state === 'starting' ? this.#startWaitHintMs : this.#pendingWaitHintMs;
    const waitHintMs = ('waitHintMs' in status ? status.waitHintMs : undefined) ?? defaultWaitHintMs;
    setServiceStatus({ state: this.#state, controlsAccepted: this.#acceptedNow(), ...(pending ? { waitHintMs } : {}) });
  }

  #emitHostEvent(event: HostEvent): void {
    this.#deliver?.(event);
    if (this.listenerCount(event.type) > 0) {
      (this.emit as (type: string, event: HostEvent) => boolean)(event.type, event);
    } else if (!this.#deliver) {
      // Nobody listens yet (the program is still starting): keep it for the first listener.
      this.#held.push(event);
    }
  }

  // Runs after a listener for `type` was added: hands it what arrived before, in order.
  #releaseHeld(type: string): void {
    const waiting = this.#held.filter((event) => event.type === type);
    if (waiting.length === 0) return;
    this.#held = this.#held.filter((event) => event.type !== type);
    for (const event of waiting) (this.emit as (type: string, event: HostEvent) => boolean)(event.type, event);
  }

  #onControl(event: ControlEvent): void {
    const hostEvent = toHostEvent(event);
    if (hostEvent.type === 'pause' || hostEvent.type === 'continue') {
      // Pause during stop is ignored; otherwise the SCM sees the pending state at once.
      if (this.#state === 'stop-pending' || this.#closing) return;
      this.#apply({ state: hostEvent.type === 'pause' ? 'pausing' : 'continuing' });
    }
    if (hostEvent.type === 'stop') this.#state = 'stop-pending';
    this.#emitHostEvent(hostEvent);
  }

  #onDispatcherEvent(event: DispatcherEvent): void {
    switch (event.type) {
      case 'service-main':
        if (event.error) {
          this.#emitHostEvent({ type: 'error', error: event.error });
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
        this.#onControl(event);
        return;
      case 'dispatcher-exit':
        if (event.error) this.#emitHostEvent({ type: 'error', error: event.error });
        this.#settled.resolve();
        this.#dispatcherExited.resolve();
        return;
    }
  }
}
