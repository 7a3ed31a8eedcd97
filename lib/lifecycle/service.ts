// Service: the one lifecycle every host shares. It turns host events into
// typed events and state changes, runs the start callback under a deadline,
// and on stop runs the ordered teardown under per-step and overall deadlines,
// telling the host about every step, then ends the process with one code from
// the exit-code table.
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { ServicehostError } from '../errors';
import { exitCodes } from './exit-codes';
import { detectHost } from '../hosts/detect';
import type { Host, HostEvent, HostEventType, StopReason } from '../hosts/host';
import type { WindowsServiceHostOptions } from '../hosts/windows-service';
import { isLogger, stderrLogger, type Logger } from './log';
import { resourceStep, type Closeable } from './resources';
import { listenFds, type ListenFd } from '../hosts/systemd/socket-activation';
import { MAX_STEP_TIMEOUT_MS, Teardown, type TeardownFunction, type TeardownStepOptions, type TeardownStepResult } from './teardown';
import { expectFunction, expectInteger, expectObject, expectString, optionalBoolean, optionalInteger } from '../validate';

export type ServiceState = 'starting' | 'running' | 'pausing' | 'paused' | 'continuing' | 'stopping' | 'stopped';

export interface StopEvent {
  reason: StopReason;
  /** The signal ('SIGTERM'), console event ('ctrl-c', 'close') or text given to stop(). */
  detail?: string;
  /** The error behind a stop with reason 'error'. */
  error?: unknown;
}

export interface StopOutcome extends StopEvent {
  /** The process exit code, from the exit-code table. */
  exitCode: number;
  /** Each teardown step that ran, in order. */
  steps: TeardownStepResult[];
  /** True when the process was ended before teardown finished (second stop request, stopTimeoutMs). */
  forced: boolean;
  /** From the stop request to the end of teardown. */
  durationMs: number;
}

export interface ServiceHealth {
  state: ServiceState;
  /** Running and taking work. */
  ready: boolean;
  /** The process is up and its lifecycle has not ended; readiness aside. */
  live: boolean;
  /** Stopping or stopped: load balancers should send nothing more. */
  stopping: boolean;
}

export interface StartContext {
  /** Start progress: advances the host's start (SCM checkpoint, systemd STATUS= and EXTEND_TIMEOUT_USEC). */
  progress(text?: string): void;
  /** Aborted when a stop is requested during start: give up early. */
  signal: AbortSignal;
}

export interface ServiceOptions {
  /** Used in log lines and as the Event Log source. Default: the SCM's service name, else the script's name. */
  name?: string;
  /** The host to run under. Default: detected (Windows service, Windows console, systemd, posix). */
  host?: Host;
  /** How long start() may take. Default 60000. */
  startTimeoutMs?: number;
  /** How long the whole teardown may take before the process is ended anyway. Default 30000. */
  stopTimeoutMs?: number;
  /** A step's own deadline when defer() gives none. Default 10000. */
  stepTimeoutMs?: number;
  /** A second stop request during teardown ends the process at once. Default true. */
  forceOnSecondStop?: boolean;
  /** uncaughtException and unhandledRejection run the graceful teardown, then exit 75. Default true. */
  handleUncaughtErrors?: boolean;
  /** Where the service logs. Default: fitted to the host (Event Log, journal, stderr). */
  logger?: Logger;
  /** Ends the process; `process.exit` unless a test hands in another. Used by a detected host. */
  exitProcess?: (exitCode: number) => void;
  /** Options for a detected Windows service host. */
  windowsService?: WindowsServiceHostOptions;
}

type PayloadOf<K extends HostEventType> = Extract<HostEvent, { type: K }>;

/** The service's events, each with its payload. */
export type ServiceEvents = {
  statechange: [{ from: ServiceState; to: ServiceState }];
  stop: [StopEvent];
  /** Pause listeners may return a promise: the service is paused when they settle. */
  pause: [];
  /** Continue listeners may return a promise: the service runs again when they settle. */
  continue: [];
  /** Reload listeners may return a promise: systemd sees RELOADING=1 until they settle. */
  reload: [];
  power: [PayloadOf<'power'>];
  session: [PayloadOf<'session'>];
  custom: [PayloadOf<'custom'>];
  control: [PayloadOf<'control'>];
};

// What a service event needs from the host.
const HOST_EVENT_FOR: Partial<Record<keyof ServiceEvents, HostEventType>> = {
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

// An event type outside ServiceEvents: emitting it reaches no listener.
const REHEARSAL = Symbol('servicehost.stop-rehearsal');
// What a host without rehearseStop() would deliver for a stop.
const REHEARSAL_EVENT: HostEvent = { type: 'stop', reason: 'signal', detail: 'SIGTERM' };

// The margin a wait hint adds to a step's own timeout: reporting the next step takes a moment.
const WAIT_HINT_MARGIN_MS = 1_000;

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

interface StopRequest extends StopEvent {
  exitCode: number;
  requestedAt: number;
}

/**
 * One service: create it first thing, register what must be closed, start it.
 *
 *   const service = new Service();
 *   await service.start(async ({ progress }) => { ... });
 *   service.add(server);
 *
 * A stop (SCM, signal, console, `service.stop()`) aborts `service.signal`,
 * emits 'stop', runs the teardown and ends the process with the outcome's code.
 */
export class Service extends EventEmitter<ServiceEvents> {
  readonly host: Host;
  readonly log: Logger;
  readonly #name: string;
  readonly #teardown: Teardown;
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  readonly #forceOnSecondStop: boolean;
  readonly #abort = new AbortController();
  readonly #stopped: Promise<StopOutcome>;
  #resolveStopped!: (outcome: StopOutcome) => void;
  #state: ServiceState = 'starting';
  #starting: Promise<void> | undefined;
  #startDeadline = 0;
  #startFailure: { exitCode: number; error: unknown } | undefined;
  #stopRequest: StopRequest | undefined;
  #results: TeardownStepResult[] = [];
  #finished = false;
  // True while #rehearseStop runs the stop path with nothing happening.
  #rehearsing = false;
  #statusText: string | undefined;
  #processListeners: [string, (...args: never[]) => void][] = [];
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(options: ServiceOptions = {}) {
    super();
    const checked = expectObject('new Service(options)', options);
    const where = (key: string) => `Service: options.${key}`;
    this.#startTimeoutMs = optionalInteger(where('startTimeoutMs'), checked.startTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 60_000;
    this.#stopTimeoutMs = optionalInteger(where('stopTimeoutMs'), checked.stopTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 30_000;
    const stepTimeoutMs = optionalInteger(where('stepTimeoutMs'), checked.stepTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 10_000;
    this.#forceOnSecondStop = optionalBoolean(where('forceOnSecondStop'), checked.forceOnSecondStop) ?? true;
    const handleUncaught = optionalBoolean(where('handleUncaughtErrors'), checked.handleUncaughtErrors) ?? true;
    if (checked.name !== undefined) expectString(where('name'), checked.name, { nonEmpty: true });
    if (checked.logger !== undefined && !isLogger(checked.logger)) {
      throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where('logger')} must have error, warn, info and debug functions`);
    }
    if (checked.exitProcess !== undefined) expectFunction(where('exitProcess'), checked.exitProcess);
    if (checked.host !== undefined) {
      const host = expectObject(where('host'), checked.host);
      for (const method of ['open', 'listen', 'report', 'statusText', 'close']) expectFunction(`${where('host')}.${method}`, host[method]);
    }
    if (checked.windowsService !== undefined) expectObject(where('windowsService'), checked.windowsService);

    this.#teardown = new Teardown({ stepTimeoutMs });
    this.#stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    this.host =
      options.host ??
      detectHost({
        ...(options.exitProcess ? { exitProcess: options.exitProcess } : {}),
        ...(options.windowsService ? { windowsService: options.windowsService } : {}),
        systemd: { warn: (message) => this.log.warn(message) },
      });
    this.#name = options.name ?? '';
    this.log = options.logger ?? this.host.defaultLogger?.(() => this.name) ?? stderrLogger(this.name);

    const untyped = this as unknown as EventEmitter;
    untyped.on('newListener', () => queueMicrotask(() => this.#updateListened()));
    untyped.on('removeListener', () => this.#updateListened());
    if (handleUncaught) {
      this.#onProcess('uncaughtException', (error: unknown) => this.#onUncaught(error, 'uncaught exception'));
      this.#onProcess('unhandledRejection', (reason: unknown) => this.#onUncaught(reason, 'unhandled rejection'));
    }
    const deliver = (event: HostEvent) => this.#onHostEvent(event);
    this.host.open(deliver);
    // A process hears one stop, so its path always runs cold: V8 compiling it
    // then costs ~0.2 ms of signal latency. So rehearse it once, from the
    // host's own handler to the emit, with nothing happening. A ref'd
    // immediate: an unref'd one would wait for the loop's next wake-up, which
    // in an idle service is the stop itself.
    setImmediate(() => this.#rehearseStop());
    this.#updateListened();
  }

  /** The service's name: as given, else the SCM's service name, else the script's. */
  get name(): string {
    return this.#name || (this.host as { serviceName?: string }).serviceName || defaultName();
  }

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

  /**
   * Runs `start` (if given) under `startTimeoutMs`, then reports the service
   * running (SCM RUNNING, systemd READY=1). If it throws or overruns, the
   * teardown runs and the process exits with 70 or 71: the promise then never
   * resolves, so the code after `await service.start()` runs only when started.
   */
  start(start?: (context: StartContext) => unknown): Promise<void> {
    if (start !== undefined) expectFunction('service.start(fn)', start);
    if (this.#starting) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'service.start() was already called');
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
    this.#teardown.defer(step.name, step.run, { phase: step.phase, ...options });
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
    this.#requestStop(request, false);
    return this.#stopped;
  }

  health(): ServiceHealth {
    const state = this.#state;
    const stopping = state === 'stopping' || state === 'stopped' || this.#stopRequest !== undefined;
    return { state, ready: state === 'running' && !stopping, live: state !== 'stopped', stopping };
  }

  /** Socket activation: the inherited listening fds (LISTEN_FDS), for `server.listen({ fd })`. */
  listenFds(): ListenFd[] {
    return listenFds();
  }

  /** systemd FDSTORE=1: keeps `fds` across a restart. False where the host has no store. */
  storeFds(fds: readonly number[], name: string): boolean {
    return this.host.storeFds?.(fds, name) ?? false;
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
    } catch (error) {
      const timedOut = (error as { code?: unknown }).code === 'ERR_SERVICEHOST_START_TIMEOUT';
      this.#startFailure = { exitCode: timedOut ? exitCodes.startTimeout : exitCodes.startFailed, error };
      this.log.error(`${this.name}: start failed: ${errorText(error)}`);
      this.#requestStop({ reason: 'error', detail: 'start failed', error, exitCode: this.#startFailure.exitCode }, false);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.#stopRequest) return;
    this.#setState('running');
    this.host.report({ state: 'running' });
  }

  #rehearseStop(): void {
    if (this.#stopRequest || this.#finished) return;
    this.#rehearsing = true;
    try {
      if (this.host.rehearseStop) this.host.rehearseStop();
      else this.#onHostEvent(REHEARSAL_EVENT);
    } catch (error) {
      this.log.warn(`${this.name}: the stop rehearsal failed (the real stop is unaffected): ${errorText(error)}`);
    } finally {
      this.#rehearsing = false;
    }
  }

  #onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'stop':
        this.#requestStop({ reason: event.reason, ...(event.detail ? { detail: event.detail } : {}), exitCode: exitCodes.ok }, true);
        return;
      case 'error':
        this.log.error(`${this.name}: the host failed: ${errorText(event.error)}`);
        this.#requestStop({ reason: 'error', detail: event.error.message, error: event.error, exitCode: exitCodes.failed }, false);
        return;
      case 'pause':
        void this.#transition('running', 'pausing', 'paused', 'pause');
        return;
      case 'continue':
        void this.#transition('paused', 'continuing', 'running', 'continue');
        return;
      case 'reload':
        void this.#reload();
        return;
      default:
        this.#emitSafely(event.type, event);
    }
  }

  // pause: running → pausing → paused; continue: paused → continuing → running.
  // Ignored in any other state (pause during stop is ignored).
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
      this.log.warn(`${this.name}: reload ignored while ${this.#state}`);
      return;
    }
    this.host.report({ state: 'reloading' });
    await this.#runListeners('reload');
    if (!this.#stopRequest) this.host.report({ state: 'running' });
  }

  // Calls each listener at once, in this tick, and waits for what they
  // return; false if one threw or rejected.
  async #runListeners(type: 'pause' | 'continue' | 'reload'): Promise<boolean> {
    const pending = this.listeners(type).map((listener) => {
      try {
        return Promise.resolve(listener());
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const results = await Promise.allSettled(pending);
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    for (const failure of failures) this.log.error(`${this.name}: a ${type} listener failed: ${errorText(failure.reason)}`);
    return failures.length === 0;
  }

  #emitSafely(type: string, ...args: unknown[]): void {
    try {
      (this.emit as (type: string, ...args: unknown[]) => boolean)(type, ...args);
    } catch (error) {
      this.log.error(`${this.name}: a ${type} listener threw: ${errorText(error)}`);
    }
  }

  #setState(to: ServiceState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#emitSafely('statechange', { from, to });
  }

  #updateListened(): void {
    const types = new Set<HostEventType>(['stop']);
    for (const name of this.eventNames()) {
      const type = HOST_EVENT_FOR[name as keyof ServiceEvents];
      if (type && this.listenerCount(name) > 0) types.add(type);
    }
    if (!this.#finished) this.host.listen(types);
  }

  #onProcess(event: string, listener: (...args: never[]) => void): void {
    process.on(event as 'exit', listener as () => void);
    this.#processListeners.push([event, listener]);
  }

  #onUncaught(error: unknown, what: string): void {
    this.log.error(`${this.name}: ${what}: ${errorText(error)}`);
    this.#requestStop({ reason: 'error', detail: what, error, exitCode: exitCodes.uncaughtError }, false);
  }

  #requestStop(request: Omit<StopRequest, 'requestedAt'>, external: boolean): void {
    if (this.#finished) return;
    if (this.#stopRequest) {
      if (external && this.#forceOnSecondStop) {
        this.log.warn(`${this.name}: second stop request (${request.detail ?? request.reason}): ending now`);
        this.#finish(exitCodes.forced, true);
      }
      return;
    }
    const stopRequest: StopRequest = { ...request, requestedAt: Date.now() };
    const { reason, detail, error } = stopRequest;
    const stopEvent: StopEvent = { reason, ...(detail === undefined ? {} : { detail }), ...(error === undefined ? {} : { error }) };
    if (this.#rehearsing) {
      this.#emitSafely(REHEARSAL as unknown as string, stopEvent);
      return;
    }
    this.#stopRequest = stopRequest;
    // The listeners first: they hear the stop before anything else on this path runs.
    this.#emitSafely('stop', stopEvent);
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
    this.host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
    // Ref'd on purpose: teardown is real work the process must stay up for.
    const deadline = setTimeout(() => {
      this.log.error(`${this.name}: teardown passed its ${this.#stopTimeoutMs} ms deadline: ending now`);
      this.#finish(exitCodes.stopTimeout, true);
    }, this.#stopTimeoutMs);
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
    this.#finish(requested !== exitCodes.ok ? requested : failedStep ? exitCodes.teardownFailed : exitCodes.ok, false);
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
    for (const [event, listener] of this.#processListeners.splice(0)) process.off(event as 'exit', listener as () => void);
    this.#resolveStopped(outcome);
    const failure = this.#startFailure?.error ?? request.error;
    const errno = systemErrno(failure);
    // One turn of the loop lets code awaiting `stopped` run before the host ends the process.
    setImmediate(() => {
      void this.host.close({
        exitCode,
        ...(exitCode === 0 ? {} : { message: `${request.detail ?? request.reason}: exit code ${exitCode}` }),
        ...(errno === undefined ? {} : { errno }),
      });
    });
  }
}
