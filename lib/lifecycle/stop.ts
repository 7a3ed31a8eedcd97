// The stop path of a Service: one stop request (later ones only cut the drain
// delay short, force the exit, or are logged), the 'stop' listeners, the abort,
// the drain delay, the ordered teardown under its overall deadline with a
// report to the host for every step, and the one outcome that ends the process.
// Also its warm-up: the path run once with nothing happening, from the host's
// own stop delivery on, so that the one real stop does not wait for V8 to compile it.
import { channel } from 'node:diagnostics_channel';
import { ServicehostError } from '../errors';
import type { Host, HostEvent, HostKind, StopReason } from '../hosts/host';
import { DrainDelay } from './drain-delay';
import { errorText, withErrorDescribedInJSON } from './error-description';
import { exitCodes } from './exit-codes';
import type { Logger } from './log';
import { rehearseResourceSteps } from './resources';
import type { ServiceState, StopEvent, StopOutcome } from './states';
import { Teardown, TEARDOWN_PHASES, type TeardownStep, type TeardownStepResult } from './teardown';

// The margin a wait hint adds to a step's own timeout: reporting the next step takes a moment.
const WAIT_HINT_MARGIN_MS = 1_000;

// The event the rehearsed stop emits: no listener has it (see rehearse).
const REHEARSAL = Symbol('servicehost.stop-rehearsal');
// Tests watch the rehearsal here; with no subscriber a publish costs nothing.
const rehearsals = channel('servicehost:stop-rehearsal');

/**
 * How many times the rehearsal delivers the host's stop. V8 gives a function
 * its feedback (the inline caches that make property loads fast) only once it
 * ran about 8 times its bytecode's size (--interrupt-budget-factor-for-feedback-allocation),
 * and the caches learn on the runs after that. At 16, requestStop still ran its
 * real stop without feedback (perf: LoadIC_NoFeedback, CreateObjectLiteral);
 * from 32 on, the first process SIGTERM listener → 'stop' listener took 32 µs
 * (median of 20 fresh processes; 52 µs at 16; 64, 128 and 256 did no better).
 */
export const STOP_REHEARSALS = 32;

/**
 * A stop as asked for: who asked, the detail and error (undefined where there
 * are none: one shape, made without a spread), and the exit code it asks for.
 */
export interface StopAsk {
  reason: StopReason;
  detail: string | undefined;
  error: unknown;
  exitCode: number;
}

/** A stop as recorded: as asked for, and when. */
export interface StopRequest extends StopAsk {
  requestedAt: number;
}

/** What the stop path needs of its Service. */
/** What the stop path asks of a host: reports, the end, and its kind for a log line; the rehearsal's stands in as 'rehearsal'. */
export type StopPathHost = Pick<Host, 'report' | 'close'> & { readonly kind: HostKind | 'rehearsal' };

export interface StopPathParts {
  readonly host: StopPathHost;
  readonly log: Logger;
  readonly teardown: Teardown;
  readonly stopTimeoutMs: number;
  readonly drainDelayMs: number;
  readonly forceOnSecondStop: boolean;
  name(): string;
  setState(to: ServiceState): void;
  emit(type: string | symbol, payload: unknown): void;
  /** start()'s promise, while it runs: a stop during start waits for it. */
  starting(): Promise<void> | undefined;
  /** Whether the service reached running (a stop then waits drainDelayMs). */
  ran(): boolean;
  /** The timer that holds the process while it runs: let go once stopping, when the teardown's own deadline holds it. */
  keepAlive(): NodeJS.Timeout | undefined;
  /** The process listeners the service added (uncaught errors): they stay until the host ended the process, or returned from close. */
  readonly processListeners: ProcessListeners;
  /** The pause, continue or reload whose listeners run now, if one does: a stop the OS asked for waits for it. */
  controlInFlight(): { readonly type: string; readonly settled: Promise<void> } | undefined;
}

/** Process listeners a service added, as [event, listener]. */
export type ProcessListeners = [string | symbol, (...args: never[]) => void][];

/** Removes them from the process, and empties the list. */
export function removeProcessListeners(listeners: ProcessListeners): void {
  for (const [event, listener] of listeners.splice(0)) process.off(event, listener as () => void);
}

// The system error number behind a failure, if any; never throws (a getter, a Proxy).
function systemErrno(error: unknown): number | undefined {
  let errno: unknown;
  try {
    errno = (error as { errno?: unknown } | null)?.errno;
  } catch {
    return undefined;
  }
  return typeof errno === 'number' && Number.isInteger(errno) && errno !== 0 ? Math.abs(errno) : undefined;
}

// The steps not yet started, in the order they would have run: phase by phase, the newest first.
function inRunOrder(steps: TeardownStep[]): TeardownStep[] {
  return TEARDOWN_PHASES.flatMap((phase) => steps.filter((step) => step.phase === phase).reverse());
}

const nothing = (): void => {};
// The rehearsal's own stop path: a host that reports and ends nothing, no listeners, no state.
const REHEARSAL_PARTS: Omit<StopPathParts, 'teardown' | 'stopTimeoutMs'> = {
  host: { kind: 'rehearsal', report: nothing, close: () => Promise.resolve() },
  log: { error: nothing, warn: nothing, info: nothing, debug: nothing },
  drainDelayMs: 0,
  forceOnSecondStop: false,
  name: () => 'rehearsal',
  setState: nothing,
  emit: nothing,
  starting: () => undefined,
  ran: () => true,
  keepAlive: () => undefined,
  processListeners: [],
  controlInFlight: () => undefined,
};

/** The stop path of one Service, and the owner of its stop request and outcome. */
export class StopPath {
  readonly stopped: Promise<StopOutcome>;
  readonly #parts: StopPathParts;
  // Made when first asked for (service.signal, start's context) or at the stop:
  // a start that reads no signal skips the first AbortController of the process (0.2 ms).
  #abort: AbortController | undefined;
  readonly #drainDelay = new DrainDelay();
  #resolveStopped!: (outcome: StopOutcome) => void;
  #request: StopRequest | undefined;
  #startFailure: { exitCode: number; error: unknown } | undefined;
  // An uncaught error after the stop began: the outcome says so (75) however the teardown ends.
  #uncaughtDuringStop = false;
  // The outcome once settled, and whether the host was handed its exit code: an uncaught
  // error from then until the process ends still makes the exit 75 (see #uncaughtAfterOutcome).
  #outcome: StopOutcome | undefined;
  #hostClosing = false;
  // The control a stop waits for (see #stopAfterStart), named if the deadline passes meanwhile.
  #awaitedControl: string | undefined;
  #results: TeardownStepResult[] = [];
  // The step the teardown runs now, and since when (performance.now()): on the deadline it is left undone.
  #running: { step: TeardownStep; since: number } | undefined;
  // When the teardown's deadline passes (performance.now()); a loop blocked past it fires no timer.
  #deadlineAt = Infinity;
  // Aborted once the outcome is settled: no further teardown step starts. Made
  // as the teardown begins (the first AbortController of a process costs 0.2 ms).
  #teardownEnd: AbortController | undefined;
  #finished = false;
  // True while rehearse runs the stop path with nothing happening.
  #rehearsing = false;
  // The stop the host delivered in the rehearsal, if it delivered one.
  #rehearsed: StopEvent | undefined;

  constructor(parts: StopPathParts) {
    this.#parts = parts;
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  /** Aborted when stopping begins, right after the 'stop' listeners ran. */
  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal;
  }

  /** The stop asked for, once one was. */
  get request(): StopRequest | undefined {
    return this.#request;
  }

  /** The start failure that began the stop, if one did. */
  get startFailure(): { exitCode: number; error: unknown } | undefined {
    return this.#startFailure;
  }

  /** The outcome is settled (or the service was disposed): nothing more happens. */
  get finished(): boolean {
    return this.#finished;
  }

  /** A start that failed: logged, then a stop whose outcome carries `exitCode`. */
  failToStart(error: unknown, detail: string, exitCode: number = exitCodes.startFailed): void {
    if (this.#startFailure) return;
    this.#startFailure = { exitCode, error };
    this.#parts.log.error(`${this.#parts.name()}: ${detail}: ${errorText(error)}`);
    this.requestStop({ reason: 'error', detail, error, exitCode }, undefined);
  }

  /** uncaughtException, unhandledRejection: logged, then a stop that ends with 75. */
  onUncaught(error: unknown, what: string): void {
    this.#parts.log.error(`${this.#parts.name()}: ${what}: ${errorText(error)}`);
    if (this.#outcome) {
      this.#uncaughtAfterOutcome();
      return;
    }
    if (this.#request) this.#uncaughtDuringStop = true;
    this.requestStop({ reason: 'error', detail: what, error, exitCode: exitCodes.uncaughtError }, undefined);
  }

  // `fromHost`: the host's stop event, for a stop the OS asked for; undefined for one from code.
  // Small on purpose, as is each function on the way to the 'stop' listeners: V8
  // gives a function its feedback once it ran about 8 times its bytecode's size,
  // so a small one has it after the rehearsal, a large one runs its real stop without.
  requestStop(request: StopAsk, fromHost: HostEvent | undefined): void {
    if (this.#finished) return;
    if (this.#request) {
      this.#requestedAgain(request, fromHost);
      return;
    }
    const { reason, detail, error } = request;
    // One literal per shape, no spread: a spread past a literal's first place is a
    // copy at run time, which cold on the way to the listeners cost some 10 µs.
    const stopEvent: StopEvent =
      detail === undefined ? (error === undefined ? { reason } : { reason, error }) : error === undefined ? { reason, detail } : { reason, detail, error };
    // Events are plain data: JSON.stringify describes what was thrown, whatever it is; `error` stays the value itself.
    if (error !== undefined) withErrorDescribedInJSON(stopEvent);
    // Recorded in the rehearsal too, and taken back there: the first literal of a
    // shape and the first store of an object into the field are slow paths of V8's.
    this.#request = { reason, detail, error, exitCode: request.exitCode, requestedAt: Date.now() };
    const rehearsing = this.#rehearsing;
    if (rehearsing) this.#request = undefined;
    // The listeners first: they hear the stop before anything else on this path runs.
    // Rehearsing, an event no listener has: nothing happens. One call for both, so
    // that its inline cache has seen both parts objects (the service's and the
    // rehearsal's own stop path's) before the real stop, not learnt one there.
    this.#parts.emit(rehearsing ? REHEARSAL : 'stop', stopEvent);
    if (rehearsing) {
      this.#rehearsed = stopEvent;
      return;
    }
    (this.#abort ??= new AbortController()).abort(error ?? new ServicehostError('ERR_SERVICEHOST_STOPPED', `stopping: ${detail ?? reason}`));
    void this.#stopAfterStart(fromHost !== undefined);
  }

  // A stop request while stopping: from code, nothing; from the OS, it may cut the drain delay short or force the exit.
  #requestedAgain(request: StopAsk, fromHost: HostEvent | undefined): void {
    if (fromHost === undefined) return;
    const { log } = this.#parts;
    const what = request.detail ?? request.reason;
    const interactive = fromHost.type === 'stop' && fromHost.interactive === true;
    if (interactive && this.#drainDelay.waiting) {
      log.warn(`${this.#parts.name()}: second stop request (${what}): the drain starts now`);
      this.#drainDelay.cut();
    } else if (interactive && this.#parts.forceOnSecondStop) {
      log.warn(`${this.#parts.name()}: second stop request (${what}): ending now`);
      this.#finish(exitCodes.forced, true);
    } else {
      // Supervisors and process groups repeat SIGTERM: the teardown goes on, bounded by its deadlines.
      log.info(`${this.#parts.name()}: stop request (${what}) while stopping: the teardown goes on`);
    }
  }

  /**
   * A process hears one stop, so its path always runs cold: V8 compiling it
   * then costs signal latency. So it runs with nothing happening:
   * `hostStop` has the host deliver its own stop event, as a real one comes
   * (its handler, then the service's delivery), STOP_REHEARSALS times, and
   * this path lets it pass; `ownStop` (the service's delivery of a stop that
   * names no platform) stands in when the host has no rehearsal or its
   * rehearsal delivers nothing, which a debug line and `fellBack` on the
   * diagnostics channel say. Then the machinery past the emit runs once on
   * objects of its own.
   */
  rehearse(hostStop: (() => void) | undefined, ownStop: () => void): void {
    if (this.#request || this.#finished) return;
    this.#rehearsing = true;
    let fellBack = false;
    try {
      if (hostStop) hostStop();
      // A host whose rehearsal delivers nothing (no stop signal to run, a service
      // the SCM has not called yet) would leave the path cold: the service's own delivery rehearses it.
      fellBack = hostStop !== undefined && this.#rehearsed === undefined;
      const deliverStop = hostStop && !fellBack ? hostStop : ownStop;
      for (let run = hostStop && !fellBack ? 1 : 0; run < STOP_REHEARSALS; run++) deliverStop();
    } finally {
      this.#rehearsing = false;
    }
    if (fellBack) {
      this.#parts.log.debug(`${this.#parts.name()}: the ${this.#parts.host.kind} host's stop rehearsal delivered nothing: the stop path was rehearsed from the service's own delivery`);
    }
    // Then the path past the emit, once, on a stop path of its own: its abort,
    // the reports with their wait hints, the deadline, a teardown of one step
    // (the drain, when there is one to drain), the outcome and the hand-over
    // to a host that ends nothing. Nothing of this service's changes.
    const teardown = new Teardown();
    teardown.defer('rehearsal', (context) => rehearseResourceSteps(context), { phase: 'drain' });
    // Removing a process listener runs Node's own 'removeListener' hooks: cold, removing
    // the service's took 0.2 ms of the stop's last step (loaded machine).
    process.on(REHEARSAL, nothing);
    removeProcessListeners([[REHEARSAL, nothing]]);
    new StopPath({ ...REHEARSAL_PARTS, teardown, stopTimeoutMs: this.#parts.stopTimeoutMs }).requestStop({ reason: 'programmatic', detail: undefined, error: undefined, exitCode: exitCodes.ok }, undefined);
    rehearsals.publish({ part: 'service', reason: this.#rehearsed?.reason, detail: this.#rehearsed?.detail, ...(fellBack ? { fellBack } : {}) });
  }

  /** service.dispose(): nothing more happens, and a drain delay under way ends. */
  dispose(): void {
    this.#finished = true;
    this.#drainDelay.cut();
  }

  // `fromOs`: the OS asked (a signal, the SCM, a console event): the stop waits for a
  // pause, continue or reload in flight. One from code (service.stop(), an uncaught
  // error) does not: it may come from that very listener, which would wait for itself.
  async #stopAfterStart(fromOs: boolean): Promise<void> {
    const { host, log, teardown, stopTimeoutMs } = this.#parts;
    // A stop during start waits for start to settle, at most until its own deadline.
    const starting = this.#parts.starting();
    if (starting) await starting;
    if (this.#finished) return;
    this.#parts.setState('stopping');
    // From here the teardown's own deadline holds the process, and nothing after it.
    clearInterval(this.#parts.keepAlive());
    const delayMs = this.#parts.ran() && this.#request!.exitCode !== exitCodes.uncaughtError ? this.#parts.drainDelayMs : 0;
    const control = fromOs ? this.#parts.controlInFlight() : undefined;
    host.report({ state: 'stopping', waitHintMs: control ? stopTimeoutMs + WAIT_HINT_MARGIN_MS : delayMs > 0 ? delayMs + WAIT_HINT_MARGIN_MS : this.#nextWaitHintMs() });
    // Ref'd on purpose: teardown is real work the process must stay up for.
    this.#deadlineAt = performance.now() + stopTimeoutMs;
    const deadline = setTimeout(() => this.#deadlinePassed(), stopTimeoutMs);
    if (control) {
      // A reload writing its configuration is not cut off: its listeners (their event's
      // signal aborted just now) settle first, within the teardown's deadline.
      this.#awaitedControl = control.type;
      await control.settled;
      this.#awaitedControl = undefined;
      if (this.#finished) return;
      if (delayMs === 0) host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
    }
    if (delayMs > 0) {
      // Readiness answers 503 already; the listeners keep serving until the balancers have seen it.
      await this.#drainDelay.wait(delayMs);
      if (this.#finished) return;
      // Progress: the SCM's checkpoint advances, systemd extends its timeout, for the teardown.
      host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
    }
    await teardown.run({
      signal: (this.#teardownEnd = new AbortController()).signal,
      onStepStart: (step) => {
        this.#running = { step, since: performance.now() };
      },
      onStepEnd: (result) => {
        this.#running = undefined;
        this.#results.push(result);
        if (result.outcome === 'failed') log.error(`${this.#parts.name()}: teardown step "${result.name}" failed: ${errorText(result.error)}`);
        if (result.outcome === 'timed-out') log.error(`${this.#parts.name()}: teardown step "${result.name}" overran its deadline`);
        // A step that blocked the event loop past the teardown's deadline returns before the timer can fire.
        if (performance.now() > this.#deadlineAt) this.#deadlinePassed();
        // Progress: the SCM's checkpoint advances, systemd extends its timeout, for the next step.
        if (teardown.nextStep() && !this.#finished) host.report({ state: 'stopping', waitHintMs: this.#nextWaitHintMs() });
      },
    });
    clearTimeout(deadline);
    if (performance.now() > this.#deadlineAt) this.#deadlinePassed();
    const failedStep = this.#results.some((result) => result.outcome !== 'ok');
    const requested = this.#startFailure?.exitCode ?? this.#request!.exitCode;
    const exitCode = requested !== exitCodes.ok ? requested : this.#uncaughtDuringStop ? exitCodes.uncaughtError : failedStep ? exitCodes.teardownFailed : exitCodes.ok;
    this.#finish(exitCode, false);
  }

  // The teardown's deadline passed: the log and the outcome name what is left
  // undone (the step under way, timed out; those not started, not run), and the process ends with 73.
  #deadlinePassed(): void {
    if (this.#finished) return;
    const now = performance.now();
    const running = this.#running;
    const undone: TeardownStepResult[] = running ? [this.#cutOff(running.step, Math.round(now - running.since))] : [];
    for (const { name, phase } of inRunOrder(this.#parts.teardown.steps)) undone.push({ name, phase, outcome: 'not-run', durationMs: 0 });
    const left = undone.map((step) => `"${step.name}" (${step.outcome === 'not-run' ? 'not started' : `running for ${step.durationMs} ms`})`);
    if (this.#awaitedControl !== undefined) left.unshift(`the ${this.#awaitedControl} listeners (still running)`);
    this.#parts.log.error(
      `${this.#parts.name()}: teardown passed its ${this.#parts.stopTimeoutMs} ms deadline: ending now; ${left.length === 0 ? 'every step had run' : `left undone: ${left.join(', ')}`}`,
    );
    this.#results.push(...undone);
    this.#finish(exitCodes.stopTimeout, undone.length > 0);
  }

  // The step under way when the teardown's deadline passed: timed out, its error saying so, as a step past its own timeout.
  #cutOff({ name, phase }: TeardownStep, durationMs: number): TeardownStepResult {
    const error = new ServicehostError('ERR_SERVICEHOST_STEP_TIMEOUT', `teardown step "${name}" was still running at the teardown's ${this.#parts.stopTimeoutMs} ms deadline`);
    return withErrorDescribedInJSON({ name, phase, outcome: 'timed-out', durationMs, error });
  }

  #nextWaitHintMs(): number {
    const next = this.#parts.teardown.nextStep();
    const remaining = Math.max(0, this.#request!.requestedAt + this.#parts.stopTimeoutMs - Date.now());
    return Math.min(next ? next.timeoutMs : 0, remaining) + WAIT_HINT_MARGIN_MS;
  }

  #finish(exitCode: number, forced: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#teardownEnd?.abort();
    const request = this.#request!;
    const outcome: StopOutcome = {
      reason: request.reason,
      ...(request.detail === undefined ? {} : { detail: request.detail }),
      ...(request.error === undefined ? {} : { error: request.error }),
      exitCode,
      steps: [...this.#results],
      forced,
      durationMs: Date.now() - request.requestedAt,
    };
    if (request.error !== undefined) withErrorDescribedInJSON(outcome);
    // Before the state change: a 'stopped' listener that throws is an uncaught error after the outcome.
    this.#outcome = outcome;
    this.#parts.setState('stopped');
    clearInterval(this.#parts.keepAlive());
    this.#resolveStopped(outcome);
    // One turn of the loop lets code awaiting `stopped` run before the host ends the process;
    // an uncaught error meanwhile (a 'stop' listener's rejection, a 'stopped' listener) is seen first.
    setImmediate(() => this.#closeHost());
  }

  #closeHost(): void {
    const outcome = this.#outcome!;
    const { exitCode } = outcome;
    const request = this.#request!;
    const errno = systemErrno(this.#startFailure?.error ?? request.error);
    this.#hostClosing = true;
    const closed = this.#parts.host.close({
      exitCode,
      ...(exitCode === 0 ? {} : { message: `${request.detail ?? request.reason}: exit code ${exitCode}` }),
      ...(errno === undefined ? {} : { errno }),
    });
    // The uncaught-error listeners stay while the host ends the process (a systemd host
    // flushing its last datagrams, the SCM's STOPPED): one that returns, a test's, gives them back.
    const giveBack = (): void => {
      removeProcessListeners(this.#parts.processListeners);
      if (this.#exitHook) process.off('exit', this.#exitHook);
    };
    void closed.then(giveBack, giveBack);
  }

  // Set once an uncaught error came while the host ended the process.
  #exitHook: (() => void) | undefined;

  // An uncaught error after the outcome was settled, before the process ended: the exit
  // is 75 as for one during the stop (a code the stop asked for, 73 and 74 stand). Before
  // the host has the code, the outcome and the host's last report say 75; after, only
  // the process's exit code can still change, as the process ends.
  #uncaughtAfterOutcome(): void {
    const outcome = this.#outcome!;
    const requested = this.#startFailure?.exitCode ?? this.#request!.exitCode;
    if (requested !== exitCodes.ok || (outcome.exitCode !== exitCodes.ok && outcome.exitCode !== exitCodes.teardownFailed)) return;
    outcome.exitCode = exitCodes.uncaughtError;
    if (!this.#hostClosing || this.#exitHook) return;
    this.#exitHook = () => {
      process.exitCode = exitCodes.uncaughtError;
    };
    process.once('exit', this.#exitHook);
  }
}
