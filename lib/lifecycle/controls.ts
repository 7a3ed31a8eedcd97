// Pause, continue and reload of a Service: one at a time, in the order the OS
// sent them, so that a continue sent right after a pause runs once the pause
// has settled. Each moves the state through its pending state and tells the
// host; once a stop began, none does anything more. A listener's event carries
// a `signal` that aborts when a stop arrives, and a stop the OS asks for waits
// for the control in flight (stop.ts).
import type { ControlRequest, HostStatus } from '../hosts/host';
import type { ServiceState } from './states';

/** What the controls need of their Service. */
export interface ControlParts {
  state(): ServiceState;
  /** A stop was asked for. */
  stopping(): boolean;
  setState(to: ServiceState): void;
  report(status: HostStatus): void;
  /** Runs the listeners of `event.type` with `event` and waits for them; false if one failed (logged). */
  runListeners(event: ControlRequest<'pause' | 'continue' | 'reload'>): Promise<boolean>;
  warn(message: string): void;
  /** Aborted when a stop arrives (the service's signal). */
  signal(): AbortSignal;
}

/** What a pause, continue or reload listener gets: the host's request, and `signal`. */
export type ControlEvent<K extends 'pause' | 'continue' | 'reload'> = ControlRequest<K> & {
  /**
   * Aborts when a stop arrives (it is `service.signal`). A stop the OS asks for waits
   * for these listeners, within `stopTimeoutMs`, before the teardown. Not enumerable:
   * JSON.stringify of the event is `{ type, reason, detail }`.
   */
  readonly signal: AbortSignal;
};

export class Controls {
  readonly #parts: ControlParts;
  // The queue's run while one goes on, and the type of the control whose listeners run now.
  #running: Promise<void> | undefined;
  #current: string | undefined;
  readonly #waiting: (() => Promise<void>)[] = [];

  constructor(parts: ControlParts) {
    this.#parts = parts;
  }

  /** running → pausing → paused; the listeners get `event`. */
  pause(event: ControlRequest<'pause'>): void {
    this.#run(() => this.#transition('running', 'pausing', 'paused', event));
  }

  /** paused → continuing → running. */
  continue(event: ControlRequest<'continue'>): void {
    this.#run(() => this.#transition('paused', 'continuing', 'running', event));
  }

  /** While running: the host hears reloading, then reloaded (failed if a listener failed). */
  reload(event: ControlRequest<'reload'>): void {
    this.#run(() => this.#reload(event));
  }

  /** The control whose listeners run now, and when the queue has settled (those still waiting do nothing once a stop began). */
  inFlight(): { readonly type: string; readonly settled: Promise<void> } | undefined {
    return this.#running && this.#current !== undefined ? { type: this.#current, settled: this.#running } : undefined;
  }

  // One control at a time, in arrival order. The first runs in this very tick.
  #run(task: () => Promise<void>): void {
    if (this.#running) {
      this.#waiting.push(task);
      return;
    }
    this.#running = (async () => {
      for (let next: (() => Promise<void>) | undefined = task; next; next = this.#waiting.shift()) await next();
      this.#running = undefined;
    })();
  }

  // The listeners of `event`, with a copy that carries the stop's signal (not enumerable: the event stays plain data for JSON).
  async #runListeners<K extends 'pause' | 'continue' | 'reload'>(event: ControlRequest<K>): Promise<boolean> {
    const withSignal = Object.freeze(Object.defineProperty({ ...event }, 'signal', { value: this.#parts.signal(), enumerable: false })) as ControlEvent<K>;
    this.#current = event.type;
    try {
      return await this.#parts.runListeners(withSignal);
    } finally {
      this.#current = undefined;
    }
  }

  // In any state but `from`, or once a stop began, the control does nothing.
  async #transition(from: 'running' | 'paused', pending: 'pausing' | 'continuing', to: 'paused' | 'running', event: ControlRequest<'pause' | 'continue'>) {
    const parts = this.#parts;
    if (parts.state() !== from || parts.stopping()) return;
    parts.setState(pending);
    parts.report({ state: pending });
    const ok = await this.#runListeners(event);
    if (parts.stopping()) return;
    const reached = ok ? to : from;
    parts.setState(reached);
    parts.report({ state: reached });
  }

  async #reload(event: ControlRequest<'reload'>): Promise<void> {
    const parts = this.#parts;
    if (parts.state() !== 'running' || parts.stopping()) {
      if (!parts.stopping()) parts.warn(`reload ignored while ${parts.state()}`);
      return;
    }
    parts.report({ state: 'reloading' });
    const settled = await this.#runListeners(event);
    if (!parts.stopping()) parts.report(settled ? { state: 'reloaded' } : { state: 'reloaded', failed: true });
  }
}
