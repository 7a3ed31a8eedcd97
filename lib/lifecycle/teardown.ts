// Ordered teardown: phases run drain → close → flush; within a phase, the
// step registered last runs first. Each step has its own deadline; a step
// that throws or overruns is recorded and the next one still runs.
import { ServicehostError } from '../errors';
import { withErrorDescribedInJSON } from './error-description';
import { expectFunction, expectObject, expectOneOf, expectString, optionalInteger } from '../validate';

/** The teardown's phases, in the order they run: stop taking work, close what is open, flush what is buffered. */
export const TEARDOWN_PHASES = ['drain', 'close', 'flush'] as const;
/** One of {@link TEARDOWN_PHASES}. */
export type TeardownPhase = (typeof TEARDOWN_PHASES)[number];

/** What a teardown step is called with. */
export interface TeardownContext {
  /** Aborted when the step's own timeout passes: give up and release what is left. */
  signal: AbortSignal;
  /** The step's name. */
  name: string;
  /** The phase it runs in. */
  phase: TeardownPhase;
}

/** A teardown step: done when it returns, or when the promise it returns settles. */
export type TeardownFunction = (context: TeardownContext) => unknown;

/** Options of a step (`service.defer(name, fn, options)`). */
export interface TeardownStepOptions {
  /** The step's own deadline in ms. Default: the teardown's step timeout. */
  timeout?: number;
  /** Default 'close'. */
  phase?: TeardownPhase;
}

/** How one step went. */
export interface TeardownStepResult {
  /** The step's name. */
  name: string;
  /** The phase it ran in. */
  phase: TeardownPhase;
  /**
   * Finished, threw or rejected, or overran its timeout (also when it returned
   * late because it blocked the event loop past it). 'not-run': the stop
   * deadline passed before it started (in `service.stopped`'s steps only).
   */
  outcome: 'ok' | 'failed' | 'timed-out' | 'not-run';
  /** How long it ran. */
  durationMs: number;
  /**
   * What the step threw, for 'failed', as thrown; for 'timed-out', the
   * ERR_SERVICEHOST_STEP_TIMEOUT error its signal aborted with. JSON.stringify of
   * the result describes it (name, message, code, stack).
   */
  error?: unknown;
}

/** A step waiting to run. */
export interface TeardownStep {
  /** The step's name. */
  readonly name: string;
  /** The phase it runs in. */
  readonly phase: TeardownPhase;
  /** Its deadline in ms. */
  readonly timeoutMs: number;
}

/** What {@link Teardown.run} tells its caller as it goes. */
export interface TeardownRunHooks {
  /** Once it aborts, no further step starts: run() resolves with the steps that ran (a Service's stop deadline ends its teardown so). */
  signal?: AbortSignal;
  /** Called as each step starts. */
  onStepStart?(step: TeardownStep): void;
  /** Called after each step, with what happened. */
  onStepEnd?(result: TeardownStepResult): void;
}

interface RegisteredStep extends TeardownStep {
  readonly run: TeardownFunction;
}

export const MAX_STEP_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * An ordered teardown: phases run drain, close, flush; within a phase, the step registered last runs first.
 * Each step has its own deadline; a step that throws or overruns is recorded and the next one still runs. `Service` keeps one; it is exported for programs that run their own.
 */
export class Teardown {
  readonly #defaultTimeoutMs: number;
  readonly #steps: RegisteredStep[] = [];
  #running = false;

  constructor(options: { stepTimeoutMs?: number } = {}) {
    const checked = expectObject('new Teardown(options)', options);
    this.#defaultTimeoutMs = optionalInteger('Teardown: options.stepTimeoutMs', checked.stepTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 10_000;
  }

  /** Steps not yet run, in registration order. */
  get steps(): TeardownStep[] {
    return this.#steps.map(({ name, phase, timeoutMs }) => ({ name, phase, timeoutMs }));
  }

  /** Registers a step; returns a function that removes it again (if it has not run). */
  defer(name: string, run: TeardownFunction, options: TeardownStepOptions = {}): () => void {
    expectString('defer(name, fn, options): name', name, { nonEmpty: true });
    expectFunction('defer(name, fn, options): fn', run);
    const checked = expectObject('defer(name, fn, options): options', options);
    const timeoutMs = optionalInteger('defer: options.timeout', checked.timeout, 1, MAX_STEP_TIMEOUT_MS) ?? this.#defaultTimeoutMs;
    const phase = checked.phase === undefined ? 'close' : expectOneOf('defer: options.phase', checked.phase, TEARDOWN_PHASES);
    const step: RegisteredStep = { name, run, timeoutMs, phase };
    this.#steps.push(step);
    return () => {
      const index = this.#steps.indexOf(step);
      if (index >= 0) this.#steps.splice(index, 1);
    };
  }

  /** The step that would run next: the first phase with steps, its newest step. */
  nextStep(): TeardownStep | undefined {
    for (const phase of TEARDOWN_PHASES) {
      const step = this.#steps.findLast((candidate) => candidate.phase === phase);
      if (step) return { name: step.name, phase: step.phase, timeoutMs: step.timeoutMs };
    }
    return undefined;
  }

  /**
   * Runs every step once, in order. Steps registered while a phase runs join
   * their phase if it has not finished. Never rejects.
   */
  async run(hooks: TeardownRunHooks = {}): Promise<TeardownStepResult[]> {
    if (this.#running) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'Teardown.run() is already running');
    this.#running = true;
    const results: TeardownStepResult[] = [];
    for (const phase of TEARDOWN_PHASES) {
      for (;;) {
        const index = this.#steps.findLastIndex((candidate) => candidate.phase === phase);
        if (index < 0 || hooks.signal?.aborted) break;
        const [step] = this.#steps.splice(index, 1) as [RegisteredStep];
        hooks.onStepStart?.({ name: step.name, phase: step.phase, timeoutMs: step.timeoutMs });
        const result = await runStep(step);
        results.push(result);
        hooks.onStepEnd?.(result);
      }
    }
    this.#running = false;
    return results;
  }
}

async function runStep(step: RegisteredStep): Promise<TeardownStepResult> {
  const startedAt = performance.now();
  const controller = new AbortController();
  const finished = (outcome: TeardownStepResult['outcome'], error?: unknown): TeardownStepResult => {
    const durationMs = Math.round(performance.now() - startedAt);
    return outcome === 'failed' || outcome === 'timed-out'
      ? withErrorDescribedInJSON({ name: step.name, phase: step.phase, outcome, durationMs, error })
      : { name: step.name, phase: step.phase, outcome, durationMs };
  };
  const timeUp = () => {
    const error = new ServicehostError('ERR_SERVICEHOST_STEP_TIMEOUT', `teardown step "${step.name}" overran its ${step.timeoutMs} ms`);
    controller.abort(error);
    return finished('timed-out', error);
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), step.timeoutMs);
  });
  try {
    const work = Promise.resolve().then(() => step.run({ signal: controller.signal, name: step.name, phase: step.phase }));
    const winner = await Promise.race([work.then(() => 'ok' as const), timedOut]);
    if (winner === 'timed-out') {
      // The step may still hold things: tell it to let go. Its late result is ignored.
      work.catch(() => {});
      return timeUp();
    }
    // A step that blocked the event loop past its deadline ends before its timer can fire: overran all the same.
    return performance.now() - startedAt > step.timeoutMs ? timeUp() : finished('ok');
  } catch (error) {
    return performance.now() - startedAt > step.timeoutMs ? timeUp() : finished('failed', error);
  } finally {
    clearTimeout(timer);
  }
}
