// Service: the one lifecycle every host shares, and the owner of its state.
// It turns host events into typed events and state changes, runs the start
// callback under a deadline, and hands the rest to its parts: the options are
// checked in options.ts, listeners and the controls they let in are events.ts's,
// pause/continue/reload queue in controls.ts, and the stop (teardown under
// deadlines, the one exit code) runs in stop.ts. It names no platform: the host
// does, and the package's entry picks the host (usePickedHost).
import { ServicehostError } from '../errors';
import type { Host, HostEvent } from '../hosts/host';
import { expectFunction, expectInteger, expectObject, expectString } from '../validate';
import { Controls } from './controls';
import { errorMessage, errorText, hasCode, isError } from './error-description';
import { ServiceListeners, type ServiceEventName, type ServiceListener } from './events';
import { exitCodes } from './exit-codes';
import type { HealthServerOptions } from './health-server';
import { stderrLogger, type Logger } from './log';
import { checkServiceOptions, defaultName, type ServiceOptions } from './options';
import { claimProcess } from './process-claim';
import { Readiness } from './readiness';
import { resourceStep, type Closeable } from './resources';
import type { ServiceHealth, ServiceState, StopOutcome } from './states';
import { removeProcessListeners, StopPath, type ProcessListeners } from './stop';
import { Teardown, type TeardownFunction, type TeardownStepOptions } from './teardown';

export { SERVICE_STATES, type ServiceHealth, type ServiceState, type StopEvent, type StopOutcome } from './states';
export type { ServiceOptions } from './options';
export type { ServiceEventName, ServiceEventPayload, ServiceEvents, ServiceListener } from './events';
export type { ControlEvent } from './controls';

/** What the start callback of `service.start(fn)` is called with. */
export interface StartContext {
  /** Start progress: advances the host's start (SCM checkpoint, systemd STATUS= and EXTEND_TIMEOUT_USEC). */
  progress(text?: string): void;
  /** Aborted when a stop is requested during start: give up early. */
  signal: AbortSignal;
}

// Longest timer Node allows: it holds the loop open without ever waking it.
const KEEP_ALIVE_INTERVAL_MS = 2 ** 31 - 1;

// The stop a host without a rehearsal of its own is rehearsed with: it names no platform.
const REHEARSED_STOP: HostEvent = { type: 'stop', reason: 'programmatic', interactive: false };

// Builds the host of a Service given none; the package's entry sets it (lib/index.ts).
let pickHost: ((options: ServiceOptions) => Host) | undefined;

/**
 * The package's entry picks the host of every Service given none, as
 * node-pty's index picks its terminal class: `pick` gets the options as given
 * (the host's own and the signal lists pass through unread). Not public.
 */
export function usePickedHost(pick: (options: ServiceOptions) => Host): void {
  pickHost = pick;
}

function pickedHost(options: ServiceOptions): Host {
  if (pickHost === undefined) {
    throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', "new Service(options): no host given and none picked: load Service from 'servicehost'");
  }
  return pickHost(options);
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
  /** The host the service runs under (the entry's pick, or the one given). */
  readonly host: Host;
  /** Where the service logs: `logger`, or the host's fit (Event Log, journal, stderr). */
  readonly log: Logger;
  readonly #listeners: ServiceListeners;
  readonly #name: string;
  readonly #teardown: Teardown;
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  readonly #drainDelayMs: number;
  readonly #readiness = new Readiness();
  readonly #stop: StopPath;
  readonly #controls: Controls;
  #state: ServiceState = 'starting';
  #starting: Promise<void> | undefined;
  #startDeadline = 0;
  // Reached running: a stop then waits drainDelayMs before the drain.
  #ran = false;
  #disposed = false;
  // Gives the process back (one Service per process): at dispose(), or once stopped.
  #releaseProcess: (() => void) | undefined;
  readonly #healthServers = new Set<import('./health-server').ServedHealth>();
  #statusText: string | undefined;
  readonly #processListeners: ProcessListeners = [];
  #keepAlive: NodeJS.Timeout | undefined;
  // The host's one delivery path, from open() on: the stop rehearsal runs it too.
  readonly #deliver = (event: HostEvent): void => this.#onHostEvent(event);

  constructor(options: ServiceOptions = {}) {
    const checked = checkServiceOptions(options);
    this.#startTimeoutMs = checked.startTimeoutMs;
    this.#stopTimeoutMs = checked.stopTimeoutMs;
    this.#drainDelayMs = checked.drainDelayMs;
    this.#teardown = new Teardown({ stepTimeoutMs: checked.stepTimeoutMs });
    this.host = options.host ?? pickedHost(options);
    // Before anything reaches the process: a second Service is refused to its maker,
    // never a start failure, whose exit would cut the first one's teardown off.
    if (options.host === undefined) this.#releaseProcess = claimProcess(this.host.kind);
    this.#name = options.name ?? '';
    this.log = options.logger ?? this.host.defaultLogger?.(() => this.name) ?? stderrLogger(this.name);
    this.#listeners = new ServiceListeners(
      this.host,
      () => this.#stop.finished,
      (type, reason) => this.log.error(`${this.name}: a ${type} listener failed: ${errorText(reason)}`),
    );
    this.#stop = new StopPath({
      host: this.host,
      log: this.log,
      teardown: this.#teardown,
      stopTimeoutMs: this.#stopTimeoutMs,
      drainDelayMs: this.#drainDelayMs,
      forceOnSecondStop: checked.forceOnSecondStop,
      name: () => this.name,
      setState: (to) => this.#setState(to),
      emit: (type, payload) => this.#listeners.emit(type, payload),
      starting: () => this.#starting,
      ran: () => this.#ran,
      keepAlive: () => this.#keepAlive,
      processListeners: this.#processListeners,
      controlInFlight: () => this.#controls.inFlight(),
    });
    this.#controls = new Controls({
      state: () => this.#state,
      stopping: () => this.#stop.request !== undefined,
      setState: (to) => this.#setState(to),
      report: (status) => this.host.report(status),
      runListeners: (event) => this.#listeners.run(event),
      warn: (message) => this.log.warn(`${this.name}: ${message}`),
      signal: () => this.#stop.signal,
    });

    if (checked.handleUncaughtErrors) {
      this.#onProcess('uncaughtException', (error: unknown) => this.#stop.onUncaught(error, 'uncaught exception'));
      this.#onProcess('unhandledRejection', (reason: unknown) => this.#stop.onUncaught(reason, 'unhandled rejection'));
    }
    let opened: unknown;
    try {
      this.host.open(this.#deliver, { startTimeoutMs: this.#startTimeoutMs, stopTimeoutMs: this.#stopTimeoutMs, log: this.log });
    } catch (error) {
      opened = error;
    }
    this.#listeners.updateListened();
    // A host that cannot start (the native addon missing from a bundle, say) is a
    // start failure: logged, torn down, exit 70; never a service that silently hangs.
    if (opened !== undefined) this.#stop.failToStart(opened, 'the host could not start');
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
    return this.#stop.signal;
  }

  /** Resolves with the outcome once teardown is over, just before the process exits. */
  get stopped(): Promise<StopOutcome> {
    return this.#stop.stopped;
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
    this.#listeners.add(event, listener, false);
    return this;
  }

  /** Same as {@link Service.on}. */
  addListener<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    this.#listeners.add(event, listener, false);
    return this;
  }

  /** Listens for the next `event` only. */
  once<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    this.#listeners.add(event, listener, true);
    return this;
  }

  /** Stops listening; with no listener left, the control is let in no more. */
  off<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    this.#listeners.remove(event, listener);
    return this;
  }

  /** Same as {@link Service.off}. */
  removeListener<K extends ServiceEventName>(event: K, listener: ServiceListener<K>): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: ServiceEventName): this {
    this.#listeners.removeAll(event);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: ServiceEventName): number {
    return this.#listeners.count(event);
  }

  /** The listeners of `event`. */
  listeners<K extends ServiceEventName>(event: K): ServiceListener<K>[] {
    return this.#listeners.of(event);
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
    if (this.#stop.startFailure) return new Promise<void>(() => {});
    if (this.#stop.request) throw new ServicehostError('ERR_SERVICEHOST_STOPPED', `service.start() after a stop (${this.#stop.request.reason})`);
    this.#startDeadline = Date.now() + this.#startTimeoutMs;
    // A service runs until it is told to stop, as under the SCM: an empty event
    // loop must not end it without its teardown. The timer never fires.
    this.#keepAlive = setInterval(() => {}, KEEP_ALIVE_INTERVAL_MS);
    this.host.report({ state: 'starting', waitHintMs: this.#startTimeoutMs });
    const stop = this.#stop;
    const context: StartContext = {
      progress: (text) => {
        if (text !== undefined) this.status(expectString('progress(text)', text));
        if (this.#state === 'starting' && !this.#stop.request) {
          this.host.report({ state: 'starting', waitHintMs: Math.max(0, this.#startDeadline - Date.now()) });
        }
      },
      // Read when asked for: a start that never looks makes no AbortController.
      get signal() {
        return stop.signal;
      },
    };
    this.#starting = this.#runStart(start, context);
    return this.#starting.then(() => (this.#stop.startFailure || this.#stop.request ? new Promise<void>(() => {}) : undefined));
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
    // Read once, with guards: an Error subclass with a message getter that throws, or a Proxy, must not throw out of stop().
    const error = isError(reason) ? reason : undefined;
    if (reason !== undefined && typeof reason !== 'string' && error === undefined) {
      throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'service.stop(reason): reason must be a string or an Error');
    }
    const checked = expectObject('service.stop(reason, options): options', options);
    const exitCode = checked.exitCode === undefined ? undefined : expectInteger('service.stop: options.exitCode', checked.exitCode, 0, 255);
    const request =
      error !== undefined
        ? { reason: 'error' as const, detail: errorMessage(error), error, exitCode: exitCode ?? exitCodes.failed }
        : { reason: 'programmatic' as const, detail: (reason as string | undefined) || undefined, error: undefined, exitCode: exitCode ?? exitCodes.ok };
    this.#stop.requestStop(request, undefined);
    return this.#stop.stopped;
  }

  /** What the health handler answers: ready (running, and nothing says otherwise), live, stopping, and why not ready. */
  health(): ServiceHealth {
    const state = this.#state;
    const stopping = state === 'stopping' || state === 'stopped' || this.#stop.request !== undefined;
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
    if (this.#stop.request) return Promise.reject(new ServicehostError('ERR_SERVICEHOST_STOPPED', 'service.serveHealth() after a stop was requested'));
    const { serveHealth } = require('./health-server') as typeof import('./health-server');
    return serveHealth(this, options).then((served) => {
      this.#healthServers.add(served);
      this.#teardown.defer('health server', () => served.close(), { phase: 'flush' });
      return served.server;
    });
  }

  /**
   * Listens `server` on `target` (a port, 'host:port', a socket path, or a
   * FileDescriptorName=): on the socket systemd passed for it (LISTEN_FDS, by
   * name, port or path), which stays open across restarts, else bound here.
   * Adds the server to the teardown; resolves once it accepts.
   */
  listen(server: import('node:net').Server, target: import('./listen').ListenTarget, options?: import('./listen').ListenOptions): Promise<import('./listen').Listening> {
    return (require('./listen') as typeof import('./listen')).listenService(this, server, target, options);
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
    if (this.#stop.request && !this.#stop.finished) {
      throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'service.dispose() while the service stops: await service.stopped');
    }
    this.host.dispose?.();
    this.#disposed = true;
    this.#releaseProcess?.();
    this.#stop.dispose();
    clearInterval(this.#keepAlive);
    removeProcessListeners(this.#processListeners);
    for (const served of this.#healthServers) void served.close();
    this.#healthServers.clear();
  }

  #expectNotDisposed(what: string): void {
    if (this.#disposed) throw new ServicehostError('ERR_SERVICEHOST_DISPOSED', `service.${what}() after service.dispose()`);
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
      const timedOut = hasCode(error, 'ERR_SERVICEHOST_START_TIMEOUT');
      this.#stop.failToStart(error, 'start failed', timedOut ? exitCodes.startTimeout : exitCodes.startFailed);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.#stop.request) return;
    this.#ran = true;
    this.#setState('running');
    this.host.report({ state: 'running' });
    // Rehearse the stop path once the service runs (not during start, where it
    // would delay READY). A ref'd immediate: an unref'd one would wait for the
    // loop's next wake-up, which in an idle service is the stop itself.
    // The host delivers its own stop event, as a real stop comes; a host without
    // a rehearsal, or whose rehearsal delivers nothing, gets the service's own.
    const host = this.host;
    setImmediate(() => this.#stop.rehearse(host.rehearseStop ? () => host.rehearseStop!() : undefined, () => this.#deliver(REHEARSED_STOP)));
  }

  // The stop first, in a function of its own: small, so that the rehearsal gives it its feedback (see StopPath.requestStop).
  #onHostEvent(event: HostEvent): void {
    if (event.type === 'stop') {
      // No spread on the way to the 'stop' listeners: one literal of one shape.
      this.#stop.requestStop({ reason: event.reason, detail: event.detail || undefined, error: undefined, exitCode: exitCodes.ok }, event);
    } else {
      this.#onOtherEvent(event);
    }
  }

  #onOtherEvent(event: Exclude<HostEvent, { type: 'stop' }>): void {
    switch (event.type) {
      case 'error':
        this.log.error(`${this.name}: the host failed: ${errorText(event.error)}`);
        this.#stop.requestStop({ reason: 'error', detail: event.error.message, error: event.error, exitCode: exitCodes.failed }, undefined);
        return;
      case 'pause':
        this.#controls.pause(event);
        return;
      case 'continue':
        this.#controls.continue(event);
        return;
      case 'reload':
        this.#controls.reload(event);
        return;
      default:
        this.#listeners.emit(event.type, event);
    }
  }

  #setState(to: ServiceState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to === 'stopped') this.#releaseProcess?.();
    this.#listeners.emit('statechange', { from, to });
  }

  #onProcess(event: string, listener: (...args: never[]) => void): void {
    process.on(event as 'exit', listener as () => void);
    this.#processListeners.push([event, listener]);
  }
}
