// Service: the one lifecycle every host shares, and the owner of its state.
// It turns host events into typed events and state changes, acts on every
// control in the order the OS sent it, runs the start callback under a
// deadline, and on stop runs the ordered teardown under per-step and overall
// deadlines, telling the host about every step, then ends the process with
// one code from the exit-code table. It names no platform: the host does.
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import { detectHost, type HostOptions } from '../hosts/detect';
import type { Host, HostEvent, HostEventType, StopReason } from '../hosts/host';
import { checkSignalOptions } from '../hosts/signals';
import { expectFunction, expectInteger, expectObject, expectString, optionalBoolean, optionalInteger } from '../validate';
import { DrainDelay, defaultDrainDelayMs } from './drain-delay';
import { exitCodes } from './exit-codes';
import type { HealthServerOptions } from './health-server';
import { STOP_TIMEOUT_VARIABLE } from './installed-environment';
import { isLogger, stderrLogger, type Logger } from './log';
import { Readiness, type NotReadyReason } from './readiness';
import { rehearseResourceSteps, resourceStep, type Closeable } from './resources';
import { MAX_STEP_TIMEOUT_MS, Teardown, type TeardownFunction, type TeardownStepOptions, type TeardownStepResult } from './teardown';

/**
 * A lifecycle state. Spelled out (not derived from SERVICE_STATES) so that
 * `servicehost/manage` can name it without the list; the list is checked
 * against it both ways below.
 */
export type ServiceState = 'starting' | 'running' | 'pausing' | 'paused' | 'continuing' | 'stopping' | 'stopped';
/** Every lifecycle state, in the order a service passes them. */
export const SERVICE_STATES = ['starting', 'running', 'pausing', 'paused', 'continuing', 'stopping', 'stopped'] as const satisfies readonly ServiceState[];
const everyStateListed: [Exclude<ServiceState, (typeof SERVICE_STATES)[number]>] extends [never] ? true : never = true;
void everyStateListed;

/** What a 'stop' listener receives: why the service stops. */
export interface StopEvent {
  /** Who asked: the SCM, a signal, the console, `service.stop()`, an error. */
  reason: StopReason;
  /** The signal ('SIGTERM'), console event ('ctrl-c', 'close') or text given to stop(). */
  detail?: string;
  /** The error behind a stop with reason 'error'. */
  error?: unknown;
}

/** How the stop went (`service.stopped`). */
export interface StopOutcome extends StopEvent {
  /** The process exit code, from the exit-code table. */
  exitCode: number;
  /** Each teardown step that ran, in order. */
  steps: TeardownStepResult[];
  /** True when the process was ended before teardown finished (a repeated interactive stop, stopTimeoutMs). */
  forced: boolean;
  /** From the stop request to the end of teardown. */
  durationMs: number;
}

/** The service's health, as `service.health()` and the health handler see it. */
export interface ServiceHealth {
  /** The lifecycle state. */
  state: ServiceState;
  /** Running and taking work. */
  ready: boolean;
  /** The process is up and its lifecycle has not ended; readiness aside. */
  live: boolean;
  /** Stopping or stopped: load balancers should send nothing more. */
  stopping: boolean;
  /** Why the service is not ready; empty when it is. */
  reasons: NotReadyReason[];
}

/** What the start callback of `service.start(fn)` is called with. */
export interface StartContext {
  /** Start progress: advances the host's start (SCM checkpoint, systemd STATUS= and EXTEND_TIMEOUT_USEC). */
  progress(text?: string): void;
  /** Aborted when a stop is requested during start: give up early. */
  signal: AbortSignal;
}

/** Options of `new Service(options)`. */
export interface ServiceOptions {
  /** Used in log lines and as the Event Log source. Default: the SCM's service name, else the script's name. */
  name?: string;
  /** The host to run under. Default: detected (Windows service, Windows console, systemd, posix). */
  host?: Host;
  /** Options for the detected host, by host: `{ windowsService, windowsConsole, systemd }`. */
  hostOptions?: HostOptions;
  /** How long start() may take. Default 60000. */
  startTimeoutMs?: number;
  /**
   * How long the whole teardown may take before the process is ended anyway.
   * Default 30000, or the stop timeout the service was installed with
   * (SERVICEHOST_STOP_TIMEOUT_MS, which also caps a larger value here).
   */
  stopTimeoutMs?: number;
  /** A step's own deadline when defer() gives none. Default 10000. */
  stepTimeoutMs?: number;
  /**
   * How long after a stop request the service keeps accepting and serving
   * before the drain starts, while readiness already answers 503: load
   * balancers that probe readiness then stop routing to it before its
   * listeners close. Counts against stopTimeoutMs. Skipped when the service
   * never ran or stops for an uncaught error. Default 0; 5000 under Kubernetes
   * (KUBERNETES_SERVICE_HOST set).
   */
  drainDelayMs?: number;
  /** POSIX signals that stop the service. Default ['SIGTERM', 'SIGINT']. Others are left to Node. */
  stopSignals?: readonly NodeJS.Signals[];
  /** POSIX signals that reload it when something listens for 'reload' (else they stop it). Default ['SIGHUP']. */
  reloadSignals?: readonly NodeJS.Signals[];
  /** A second interactive stop request (SIGINT, Ctrl-C, Ctrl-Break) during teardown ends the process at once. Default true. */
  forceOnSecondStop?: boolean;
  /** uncaughtException and unhandledRejection run the graceful teardown, then exit 75. Default true. */
  handleUncaughtErrors?: boolean;
  /** Where the service logs. Default: fitted to the host (Event Log, journal, stderr). */
  logger?: Logger;
  /** Ends the process; `process.exit` unless a test hands in another. Used by a detected host. */
  exitProcess?: (exitCode: number) => void;
}

/** The event a `power`, `session`, `custom` or `control` listener receives: the host's event of that type, as plain data. */
export type ServiceEventPayload<K extends HostEventType> = Omit<Extract<HostEvent, { type: K }>, 'type'> & { type: K };

/** The service's events, each with its payload. */
export interface ServiceEvents {
  /** Each change of state, after it happened. */
  statechange: [
    {
      /** The state before. */
      from: ServiceState;
      /** The state now. */
      to: ServiceState;
    },
  ];
  /** A stop began: listeners run before `service.signal` aborts and the teardown starts. */
  stop: [StopEvent];
  /** Pause listeners may return a promise: the service is paused when they settle (a rejection: the pause failed). */
  pause: [];
  /** Continue listeners may return a promise: the service runs again when they settle. */
  continue: [];
  /** Reload listeners may return a promise: systemd sees RELOADING=1 until they settle. */
  reload: [];
  /** Windows: a power event (POWEREVENT), once a listener lets it in. */
  power: [ServiceEventPayload<'power'>];
  /** Windows: a session change (SESSIONCHANGE), once a listener lets it in. */
  session: [ServiceEventPayload<'session'>];
  /** Windows: a control of the program's own, 128 to 255, each its own event. */
  custom: [ServiceEventPayload<'custom'>];
  /** Windows: any other control (netbindadd, timechange, deviceevent, ...). */
  control: [ServiceEventPayload<'control'>];
}

/** The name of a service event: 'stop', 'pause', 'custom', ... */
export type ServiceEventName = keyof ServiceEvents;
/** A listener of event `K`; pause, continue and reload listeners may return a promise. */
export type ServiceListener<K extends ServiceEventName> = (...args: ServiceEvents[K]) => unknown;

// What a service event needs the host to let in.
const HOST_EVENT_FOR: Partial<Record<ServiceEventName, HostEventType>> = {
  pause: 'pause',
  continue: 'continue',
  reload: 'reload',
  power: 'power',
  session: 'session',
  custom: 'custom',
  control: 'control',
};

// Longest timer Node allows: it holds the loop open without ever waking it.
const KEEP_ALIVE_INTERVAL_MS = 2 ** 31 - 1;
// The margin a wait hint adds to a step's own timeout: reporting the next step takes a moment.
const WAIT_HINT_MARGIN_MS = 1_000;

// The stop Service's own path delivers to itself once, and the event it emits then: no listener has it (see #rehearseStop).
const REHEARSAL = Symbol('servicehost.stop-rehearsal');
// Tests watch the rehearsal here; with no subscriber a publish costs nothing.
const rehearsals = channel('servicehost:stop-rehearsal');
const REHEARSAL_EVENT: HostEvent = { type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false };

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function systemErrno(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && Number.isInteger(errno) && errno !== 0 ? Math.abs(errno) : undefined;
}

function defaultName(): string {
  const script = process.argv[1];
  return script ? path.basename(script).replace(/\.[cm]?[jt]s$/, '') : 'node';
}

// The installed stop timeout, read once and taken out of the environment so children do not inherit it.
function installedStopTimeoutMs(): number | undefined {
  const text = process.env[STOP_TIMEOUT_VARIABLE];
  if (text === undefined) return undefined;
  delete process.env[STOP_TIMEOUT_VARIABLE];
  const value = Number(text);
  return /^\d+$/u.test(text) && value >= 1 && value <= MAX_STEP_TIMEOUT_MS ? value : undefined;
}

// drainDelayMs, checked against the stop deadline it counts against. The
// default (Kubernetes' 5000) shrinks to half a shorter deadline, and so does a
// delay that the stop timeout the service was installed with leaves no room
// for; a delay the options themselves cannot fit is refused.
function drainDelayWithin(where: string, value: unknown, stopTimeoutMs: number, installedCap: boolean): number {
  if (value === undefined) return Math.min(defaultDrainDelayMs(), Math.floor(stopTimeoutMs / 2));
  const delayMs = expectInteger(where, value, 0, MAX_STEP_TIMEOUT_MS);
  if (delayMs < stopTimeoutMs) return delayMs;
  if (!installedCap) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where} (${delayMs}) must be less than stopTimeoutMs (${stopTimeoutMs}): the delay counts against it`);
  }
  return Math.floor(stopTimeoutMs / 2);
}

function checkHost(where: string, value: unknown): Host {
  const host = expectObject(where, value);
  for (const method of ['open', 'listen', 'report', 'statusText', 'close']) expectFunction(`${where}.${method}`, host[method]);
  return value as Host;
}

interface StopRequest extends StopEvent {
  exitCode: number;
  requestedAt: number;
}

/**
 * One service: create it first thing, register what must be closed, start it.
 *
 * ```js
 * const service = new Service();
 * await service.start(async ({ progress }) => { ... });
 * service.add(server);
 * ```
 *
 * A stop (SCM, signal, console, `service.stop()`) aborts `service.signal`,
 * emits 'stop', runs the teardown and ends the process with the outcome's code.
 */
export class Service {
  /** The host the service runs under (detected, or the one given). */
  readonly host: Host;
  /** Where the service logs: `logger`, or the host's fit (Event Log, journal, stderr). */
  readonly log: Logger;
  readonly #events = new EventEmitter();
  readonly #name: string;
  readonly #teardown: Teardown;
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  readonly #forceOnSecondStop: boolean;
  readonly #drainDelayMs: number;
  readonly #drainDelay = new DrainDelay();
  readonly #readiness = new Readiness();
  readonly #abort = new AbortController();
  readonly #stopped: Promise<StopOutcome>;
  #resolveStopped!: (outcome: StopOutcome) => void;
  #state: ServiceState = 'starting';
  #starting: Promise<void> | undefined;
  #startDeadline = 0;
  #startFailure: { exitCode: number; error: unknown } | undefined;
  #stopRequest: StopRequest | undefined;
  // An uncaught error after the stop began: the outcome says so (75) however the teardown ends.
  #uncaughtDuringStop = false;
  #results: TeardownStepResult[] = [];
  #finished = false;
  // Reached running: a stop then waits drainDelayMs before the drain.
  #ran = false;
  #disposed = false;
  readonly #healthServers = new Set<import('./health-server').ServedHealth>();
  // True while #rehearseStop runs the stop path with nothing happening.
  #rehearsing = false;
  #statusText: string | undefined;
  #processListeners: [string, (...args: never[]) => void][] = [];
  #keepAlive: NodeJS.Timeout | undefined;
  // Pause, continue and reload run one at a time, in the order they came.
  #controlRunning = false;
  readonly #controlsWaiting: (() => Promise<void>)[] = [];

  constructor(options: ServiceOptions = {}) {
    const checked = expectObject('new Service(options)', options);
    const where = (key: string) => `new Service(options): options.${key}`;
    const installed = installedStopTimeoutMs();
    this.#startTimeoutMs = optionalInteger(where('startTimeoutMs'), checked.startTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 60_000;
    const stopTimeoutMs = optionalInteger(where('stopTimeoutMs'), checked.stopTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? installed ?? 30_000;
    this.#stopTimeoutMs = installed === undefined ? stopTimeoutMs : Math.min(stopTimeoutMs, installed);
    const stepTimeoutMs = optionalInteger(where('stepTimeoutMs'), checked.stepTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 10_000;
    this.#forceOnSecondStop = optionalBoolean(where('forceOnSecondStop'), checked.forceOnSecondStop) ?? true;
    const handleUncaught = optionalBoolean(where('handleUncaughtErrors'), checked.handleUncaughtErrors) ?? true;
    this.#drainDelayMs = drainDelayWithin(where('drainDelayMs'), checked.drainDelayMs, this.#stopTimeoutMs, installed !== undefined);
    const signals = checkSignalOptions(where, checked.stopSignals, checked.reloadSignals);
    if (checked.name !== undefined) expectString(where('name'), checked.name, { nonEmpty: true });
    if (checked.logger !== undefined && !isLogger(checked.logger)) {
      throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where('logger')} must have error, warn, info and debug functions`);
    }
    if (checked.exitProcess !== undefined) expectFunction(where('exitProcess'), checked.exitProcess);
    if (checked.host !== undefined) checkHost(where('host'), checked.host);
    if (checked.hostOptions !== undefined) expectObject(where('hostOptions'), checked.hostOptions);

    this.#teardown = new Teardown({ stepTimeoutMs });
    this.#stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    this.host = options.host ?? detectHost({ ...options.hostOptions, ...(options.exitProcess ? { exitProcess: options.exitProcess } : {}) });
    this.#name = options.name ?? '';
    this.log = options.logger ?? this.host.defaultLogger?.(() => this.name) ?? stderrLogger(this.name);

    if (handleUncaught) {
      this.#onProcess('uncaughtException', (error: unknown) => this.#onUncaught(error, 'uncaught exception'));
      this.#onProcess('unhandledRejection', (reason: unknown) => this.#onUncaught(reason, 'unhandled rejection'));
    }
    let opened: unknown;
    try {
      this.host.open((event) => this.#onHostEvent(event), { startTimeoutMs: this.#startTimeoutMs, stopTimeoutMs: this.#stopTimeoutMs, log: this.log, ...signals });
    } catch (error) {
      opened = error;
    }
    this.#updateListened();
    // A host that cannot start (the native addon missing from a bundle, say) is a
    // start failure: logged, torn down, exit 70; never a service that silently hangs.
    if (opened !== undefined) this.#failToStart(opened, 'the host could not start');
  }

  /** The service's name: as given, else the name the OS knows it by, else the script's. */
  get name(): string {
    return this.#name || this.host.serviceName || defaultName();
  }

  /** The lifecycle state now. */
  get state(): ServiceState {
    return this.#state;
  }

  /** Aborted when stopping begins (or a stop is asked for during start), right after the 'stop' listeners ran. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Resolves with the outcome once teardown is over, just before the process exits. */
  get stopped(): Promise<StopOutcome> {
    return this.#stopped;
  }

  /** The last status text. */
  get statusMessage(): string | undefined {
    return this.#statusText;
  }

  /** The teardown deadline in force: the option, capped by the installed stop timeout. */
  get stopTimeoutMs(): number {
    return this.#stopTimeoutMs;
  }

  /** The wait before the drain in force (see ServiceOptions.drainDelayMs). */
  get drainDelayMs(): number {
    return this.#drainDelayMs;
  }

  /** Listens for `event`. Listening is what lets a control in: a 'pause' listener makes the SCM offer pause. */
  on<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    return this.#listen(event, listener, false);
  }

  /** Same as {@link Service.on}. */
  addListener<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    return this.#listen(event, listener, false);
  }

  /** Listens for the next `event` only. */
  once<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    return this.#listen(event, listener, true);
  }

  /** Stops listening; with no listener left, the control is let in no more. */
  off<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    this.#events.off(this.#eventName(event), listener as (...args: unknown[]) => void);
    this.#updateListened();
    return this;
  }

  /** Same as {@link Service.off}. */
  removeListener<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: ServiceEventName): this {
    if (event === undefined) this.#events.removeAllListeners();
    else this.#events.removeAllListeners(this.#eventName(event));
    this.#updateListened();
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: ServiceEventName): number {
    return this.#events.listenerCount(event);
  }

  /** The listeners of `event`. */
  listeners<K extends ServiceEventName>(event: K): ServiceListener<K>[] {
    return this.#events.listeners(event) as ServiceListener<K>[];
  }

  /**
   * Runs `start` (if given) under `startTimeoutMs`, then reports the service
   * running (SCM RUNNING, systemd READY=1). If it throws or overruns, the
   * teardown runs and the process exits with 70 or 71: the promise then never
   * resolves, so the code after `await service.start()` runs only when started.
   */
  start(start?: (context: StartContext) => unknown): Promise<void> {
    if (start !== undefined) expectFunction('service.start(fn)', start);
    this.#expectNotDisposed('start');
    if (this.#starting) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'service.start() was already called');
    // The host failed as it opened: the service is already ending with 70; start() then never resolves.
    if (this.#startFailure) return new Promise<void>(() => {});
    if (this.#stopRequest) throw new ServicehostError('ERR_SERVICEHOST_STOPPED', `service.start() after a stop (${this.#stopRequest.reason})`);
    this.#startDeadline = Date.now() + this.#startTimeoutMs;
    // A service runs until it is told to stop, as under the SCM: an empty event
    // loop must not end it without its teardown. The timer never fires.
    this.#keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
    this.host.report({ state: 'starting', waitHintMs: this.#startTimeoutMs });
    const context: StartContext = {
      progress: (text) => {
        if (text !== undefined) this.status(expectString('progress(text)', text));
        if (this.#state === 'starting' && !this.#stopRequest) {
          this.host.report({ state: 'starting', waitHintMs: Math.max(0, this.#startDeadline - Date.now()) });
        }
      },
      signal: this.#abort.signal,
    };
    this.#starting = this.#runStart(start, context);
    return this.#starting.then(() => (this.#startFailure || this.#stopRequest ? new Promise<void>(() => {}) : undefined));
  }

  /** Status text: STATUS= on systemd; elsewhere kept (statusMessage) and logged. */
  status(text: string): void {
    const message = expectString('service.status(text)', text);
    this.#statusText = message;
    if (!this.host.statusText(message)) this.log.info(message);
  }

  /**
   * Registers a teardown step. Phases run drain → close → flush; within a
   * phase the newest step runs first. Returns a function that unregisters it.
   */
  defer(name: string, fn: TeardownFunction, options: TeardownStepOptions = {}): () => void {
    return this.#teardown.defer(name, fn, options);
  }

  /**
   * Registers a resource to close at stop: an http/https/http2 server is
   * drained (phase 'drain'); anything else is closed through
   * [Symbol.asyncDispose], close(), end() or destroy() (phase 'close').
   * Returns the resource.
   */
  add<T extends Closeable | object>(resource: T, options: TeardownStepOptions & { name?: string } = {}): T {
    const checked = expectObject('service.add(resource, options): options', options);
    const name = checked.name === undefined ? undefined : expectString('service.add: options.name', checked.name, { nonEmpty: true });
    const step = resourceStep(resource, name);
    const { name: _name, ...stepOptions } = options;
    this.#teardown.defer(step.name, step.run, { phase: step.phase, ...stepOptions });
    return resource;
  }

  /**
   * Stops the service: `reason` is a text (reason 'programmatic') or an Error
   * (reason 'error', exit code 76). Returns `service.stopped`.
   */
  stop(reason?: string | Error, options: { exitCode?: number } = {}): Promise<StopOutcome> {
    if (reason !== undefined && typeof reason !== 'string' && !(reason instanceof Error)) {
      throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'service.stop(reason): reason must be a string or an Error');
    }
    const checked = expectObject('service.stop(reason, options): options', options);
    const exitCode = checked.exitCode === undefined ? undefined : expectInteger('service.stop: options.exitCode', checked.exitCode, 0, 255);
    const request =
      reason instanceof Error
        ? { reason: 'error' as const, detail: reason.message, error: reason, exitCode: exitCode ?? exitCodes.failed }
        : { reason: 'programmatic' as const, ...(reason ? { detail: reason } : {}), exitCode: exitCode ?? exitCodes.ok };
    this.#requestStop(request, undefined);
    return this.#stopped;
  }

  /** What the health handler answers: ready (running, and nothing says otherwise), live, stopping, and why not ready. */
  health(): ServiceHealth {
    const state = this.#state;
    const stopping = state === 'stopping' || state === 'stopped' || this.#stopRequest !== undefined;
    const reasons = this.#readiness.reasons(state, stopping);
    return { state, ready: reasons.length === 0, live: state !== 'stopped' && !this.#disposed, stopping, reasons };
  }

  /** Readiness while running: false for maintenance or a lost dependency, true again when it is back. */
  setReady(ready: boolean): void {
    this.#readiness.set(ready);
  }

  /** Not ready until `task` (a promise, or a function that returns one) settles. Returns its promise. */
  whileNotReady<T>(task: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<T> {
    return this.#readiness.while(task);
  }

  /**
   * Serves the health handler's paths on a port of their own, for a service
   * whose main server is not HTTP. Resolves with the listening server; it is
   * closed at the very end of the teardown, so probes see the stop.
   */
  serveHealth(options: HealthServerOptions): Promise<import('node:http').Server> {
    this.#expectNotDisposed('serveHealth');
    if (this.#stopRequest) return Promise.reject(new ServicehostError('ERR_SERVICEHOST_STOPPED', 'service.serveHealth() after a stop was requested'));
    const { serveHealth } = require('./health-server') as typeof import('./health-server');
    return serveHealth(this, options).then((served) => {
      this.#healthServers.add(served);
      this.#teardown.defer('health server', () => served.close(), { phase: 'flush' });
      return served.server;
    });
  }

  /**
   * Lets go of the process without ending it: removes every process listener
   * servicehost added (signals, uncaught errors, the console handler), the
   * timer that holds the process, and closes serveHealth's server. For tests
   * and programs that embed a service and end it themselves. A Windows
   * service cannot: its SCM connection lasts the process's life (throws
   * ERR_SERVICEHOST_HOST_STATE). While stopping: await `stopped` instead.
   */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#stopRequest && !this.#finished) {
      throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'service.dispose() while the service stops: await service.stopped');
    }
    this.host.dispose?.();
    this.#disposed = true;
    this.#finished = true;
    clearInterval(this.#keepAlive);
    this.#drainDelay.cut();
    for (const [event, listener] of this.#processListeners.splice(0)) process.off(event as 'exit', listener as () => void);
    for (const served of this.#healthServers) void served.close();
    this.#healthServers.clear();
  }

  #expectNotDisposed(what: string): void {
    if (this.#disposed) throw new ServicehostError('ERR_SERVICEHOST_DISPOSED', `service.${what}() after service.dispose()`);
  }

  #listen(event: ServiceEventName, listener: unknown, once: boolean): this {
    const name = this.#eventName(event);
    expectFunction(`service.on('${name}', listener): listener`, listener);
    if (once) this.#events.once(name, listener as (...args: unknown[]) => void);
    else this.#events.on(name, listener as (...args: unknown[]) => void);
    this.#updateListened();
    return this;
  }

  #eventName(event: unknown): ServiceEventName {
    if (typeof event !== 'string' || !(event in HOST_EVENT_FOR || event === 'stop' || event === 'statechange')) {
      throw new ServicehostError(
        'ERR_INVALID_ARG_VALUE',
        `Service has no event ${JSON.stringify(event)}; its events are statechange, stop, ${Object.keys(HOST_EVENT_FOR).join(', ')}`,
      );
    }
    return event as ServiceEventName;
  }

  async #runStart(start: ((context: StartContext) => unknown) | undefined, context: StartContext): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const overran = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ServicehostError('ERR_SERVICEHOST_START_TIMEOUT', `start did not finish within ${this.#startTimeoutMs} ms`)),
          this.#startTimeoutMs,
        );
      });
      await Promise.race([Promise.resolve().then(() => start?.(context)), overran]);
      // Running means the OS knows it: under the SCM, not before ServiceMain (its name is known from then on).
      if (this.host.whenConnected) await Promise.race([this.host.whenConnected(), overran]);
    } catch (error) {
      const timedOut = (error as { code?: unknown } | null)?.code === 'ERR_SERVICEHOST_START_TIMEOUT';
      this.#failToStart(error, 'start failed', timedOut ? exitCodes.startTimeout : exitCodes.startFailed);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.#stopRequest) return;
    this.#ran = true;
    this.#setState('running');
    this.host.report({ state: 'running' });
    // A process hears one stop, so its path always runs cold: V8 compiling it
    // then costs signal latency. So rehearse it once, with nothing happening,
    // once the service runs (not during start, where it would delay READY). A
    // ref'd immediate: an unref'd one would wait for the loop's next wake-up,
    // which in an idle service is the stop itself.
    setImmediate(() => this.#rehearseStop());
  }

  #failToStart(error: unknown, detail: string, exitCode: number = exitCodes.startFailed): void {
    if (this.#startFailure) return;
    this.#startFailure = { exitCode, error };
    this.log.error(`${this.name}: ${detail}: ${errorText(error)}`);
    this.#requestStop({ reason: 'error', detail, error, exitCode }, undefined);
  }

  #rehearseStop(): void {
    if (this.#stopRequest || this.#finished) return;
    this.#rehearsing = true;
    try {
      this.#onHostEvent(REHEARSAL_EVENT);
    } finally {
      this.#rehearsing = false;
    }
    // And the machinery past the emit, on objects of its own: an abort, and a
    // teardown of one step that does nothing. Nothing of this service's changes.
    new AbortController().abort();
    const teardown = new Teardown();
    teardown.defer('rehearsal', () => {});
    void teardown.run();
    rehearseResourceSteps();
    rehearsals.publish({ part: 'service' });
  }

  #onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'stop':
        this.#requestStop({ reason: event.reason, ...(event.detail ? { detail: event.detail } : {}), exitCode: exitCodes.ok }, event);
        return;
      case 'error':
        this.log.error(`${this.name}: the host failed: ${errorText(event.error)}`);
        this.#requestStop({ reason: 'error', detail: event.error.message, error: event.error, exitCode: exitCodes.failed }, undefined);
        return;
      case 'pause':
        this.#runControl(() => this.#transition('running', 'pausing', 'paused', 'pause'));
        return;
      case 'continue':
        this.#runControl(() => this.#transition('paused', 'continuing', 'running', 'continue'));
        return;
      case 'reload':
        this.#runControl(() => this.#reload());
        return;
      default:
        this.#emit(event.type, event);
    }
  }

  // One control at a time, in arrival order: a continue sent right after a
  // pause runs once the pause has settled. The first runs in this very tick.
  #runControl(task: () => Promise<void>): void {
    if (this.#controlRunning) {
      this.#controlsWaiting.push(task);
      return;
    }
    this.#controlRunning = true;
    void (async () => {
      for (let next: (() => Promise<void>) | undefined = task; next; next = this.#controlsWaiting.shift()) await next();
      this.#controlRunning = false;
    })();
  }

  // pause: running → pausing → paused; continue: paused → continuing → running.
  // In any other state, or once a stop began, the control does nothing.
  async #transition(from: 'running' | 'paused', pending: 'pausing' | 'continuing', to: 'paused' | 'running', type: 'pause' | 'continue') {
    if (this.#state !== from || this.#stopRequest) return;
    this.#setState(pending);
    this.host.report({ state: pending });
    const ok = await this.#runListeners(type);
    if (this.#stopRequest) return;
    const reached = ok ? to : from;
    this.#setState(reached);
    this.host.report({ state: reached });
  }

  async #reload(): Promise<void> {
    if (this.#state !== 'running' || this.#stopRequest) {
      if (!this.#stopRequest) this.log.warn(`${this.name}: reload ignored while ${this.#state}`);
      return;
    }
    this.host.report({ state: 'reloading' });
    const settled = await this.#runListeners('reload');
    if (!this.#stopRequest) this.host.report(settled ? { state: 'reloaded' } : { state: 'reloaded', failed: true });
  }

  // Calls each listener at once and waits for what they return; false if one
  // threw or rejected (the pause or continue failed; the failure is logged).
  async #runListeners(type: 'pause' | 'continue' | 'reload'): Promise<boolean> {
    const pending = this.#events.listeners(type).map((listener) => {
      try {
        return Promise.resolve((listener as () => unknown)());
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const results = await Promise.allSettled(pending);
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    for (const failure of failures) this.log.error(`${this.name}: a ${type} listener failed: ${errorText(failure.reason)}`);
    return failures.length === 0;
  }

  // A listener that throws is an uncaught exception, as in any emitter; it is
  // raised after the emit so that the path that emitted (a stop) goes on.
  #emit(type: string | symbol, ...args: unknown[]): void {
    try {
      this.#events.emit(type, ...args);
    } catch (error) {
      // Before the next step of the path that emitted: the outcome then knows of it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #setState(to: ServiceState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#emit('statechange', { from, to });
  }

  #updateListened(): void {
    if (this.#finished) return;
    const types = new Set<HostEventType>(['stop']);
    for (const [event, type] of Object.entries(HOST_EVENT_FOR)) {
      if (type && this.#events.listenerCount(event) > 0) types.add(type);
    }
    this.host.listen(types);
  }

  #onProcess(event: string, listener: (...args: never[]) => void): void {
    process.on(event as 'exit', listener as () => void);
    this.#processListeners.push([event, listener]);
  }

  #onUncaught(error: unknown, what: string): void {
    this.log.error(`${this.name}: ${what}: ${errorText(error)}`);
    if (this.#stopRequest) this.#uncaughtDuringStop = true;
    this.#requestStop({ reason: 'error', detail: what, error, exitCode: exitCodes.uncaughtError }, undefined);
  }

  // `fromHost`: the host's stop event, for a stop the OS asked for; undefined for one from code.
  #requestStop(request: Omit<StopRequest, 'requestedAt'>, fromHost: HostEvent | undefined): void {
    if (this.#finished) return;
    if (this.#stopRequest) {
      if (fromHost === undefined) return;
      const what = request.detail ?? request.reason;
      const interactive = fromHost.type === 'stop' && fromHost.interactive === true;
      if (interactive && this.#drainDelay.waiting) {
        this.log.warn(`${this.name}: second stop request (${what}): the drain starts now`);
        this.#drainDelay.cut();
      } else if (interactive && this.#forceOnSecondStop) {
        this.log.warn(`${this.name}: second stop request (${what}): ending now`);
        this.#finish(exitCodes.forced, true);
      } else {
        // Supervisors and process groups repeat SIGTERM: the teardown goes on, bounded by its deadlines.
        this.log.info(`${this.name}: stop request (${what}) while stopping: the teardown goes on`);
      }
      return;
    }
    const stopRequest: StopRequest = { ...request, requestedAt: Date.now() };
    const { reason, detail, error } = stopRequest;
    const stopEvent: StopEvent = { reason, ...(detail === undefined ? {} : { detail }), ...(error === undefined ? {} : { error }) };
    if (this.#rehearsing) {
      // Everything up to the listeners, with an event no listener has: nothing happens.
      this.#emit(REHEARSAL, stopEvent);
      return;
    }
    this.#stopRequest = stopRequest;
    // The listeners first: they hear the stop before anything else on this path runs.
    this.#emit('stop', stopEvent);
    this.#abort.abort(error ?? new ServicehostError('ERR_SERVICEHOST_STOPPED', `stopping: ${detail ?? reason}`));
    void this.#stopAfterStart();
  }

  async #stopAfterStart(): Promise<void> {
    // A stop during start waits for start to settle, at most until its own deadline.
    if (this.#starting) await this.#starting;
    if (this.#finished) return;
    this.#setState('stopping');
    // From here the teardown's own deadline holds the process, and nothing after it.
    clearInterval(this.#keepAlive);
    const delayMs = this.#ran && this.#stopRequest!.exitCode !== exitCodes.uncaughtError ? this.#drainDelayMs : 0;
    this.host.report({ state: 'stopping', waitHintMs: delayMs > 0 ? delayMs + WAIT_HINT_MARGIN_MS : this.#nextWaitHintMs() });
    // Ref'd on purpose: teardown is real work the process must stay up for.
    const deadline = setTimeout(() => {
      this.log.error(`${this.name}: teardown passed its ${this.#stopTimeoutMs} ms deadline: ending now`);
      this.#finish(exitCodes.stopTimeout, true);
    }, this.#stopTimeoutMs);
    if (delayMs > 0) {
      // Readiness answers 503 already; the listeners keep serving until the balancers have seen it.
      await this.#drainDelay.wait(delayMs);
      if (this.#finished) return;
      // Progress: the SCM's checkpoint advances, systemd extends its timeout, for the teardown.
      this.host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
    }
    await this.#teardown.run({
      onStepEnd: (result) => {
        this.#results.push(result);
        if (result.outcome === 'failed') this.log.error(`${this.name}: teardown step "${result.name}" failed: ${errorText(result.error)}`);
        if (result.outcome === 'timed-out') this.log.error(`${this.name}: teardown step "${result.name}" overran its deadline`);
        // Progress: the SCM's checkpoint advances, systemd extends its timeout, for the next step.
        if (this.#teardown.nextStep() && !this.#finished) this.host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
      },
    });
    clearTimeout(deadline);
    const failedStep = this.#results.some((result) => result.outcome !== 'ok');
    const requested = this.#startFailure?.exitCode ?? this.#stopRequest!.exitCode;
    const exitCode = requested !== exitCodes.ok ? requested : this.#uncaughtDuringStop ? exitCodes.uncaughtError : failedStep ? exitCodes.teardownFailed : exitCodes.ok;
    this.#finish(exitCode, false);
  }

  #nextWaitHintMs(): number {
    const next = this.#teardown.nextStep();
    const remaining = Math.max(0, this.#stopRequest!.requestedAt + this.#stopTimeoutMs - Date.now());
    return Math.min(next ? next.timeoutMs : 0, remaining) + WAIT_HINT_MARGIN_MS;
  }

  #finish(exitCode: number, forced: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    const request = this.#stopRequest!;
    const outcome: StopOutcome = {
      reason: request.reason,
      ...(request.detail === undefined ? {} : { detail: request.detail }),
      ...(request.error === undefined ? {} : { error: request.error }),
      exitCode,
      steps: [...this.#results],
      forced,
      durationMs: Date.now() - request.requestedAt,
    };
    this.#setState('stopped');
    clearInterval(this.#keepAlive);
    this.#resolveStopped(outcome);
    const failure = this.#startFailure?.error ?? request.error;
    const errno = systemErrno(failure);
    // One turn of the loop lets code awaiting `stopped` run before the host ends the process.
    setImmediate(() => {
      for (const [event, listener] of this.#processListeners.splice(0)) process.off(event as 'exit', listener as () => void);
      void this.host.close({
        exitCode,
        ...(exitCode === 0 ? {} : { message: `${request.detail ?? request.reason}: exit code ${exitCode}` }),
        ...(errno === undefined ? {} : { errno }),
      });
    });
  }
}
