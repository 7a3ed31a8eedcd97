// Pause, continue and reload of a Service: one at a time, in the order the OS
// sent them, so that a continue sent right after a pause runs once the pause
// has settled. Each moves the state through its pending state and tells the
// host; once a stop began, none does anything more.
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
}

export class Controls {
  readonly #parts: ControlParts;
  #running = false;
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

  // One control at a time, in arrival order. The first runs in this very tick.
  #run(task: () => Promise<void>): void {
    if (this.#running) {
      this.#waiting.push(task);
      return;
    }
    this.#running = true;
    void (async () => {
      for (let next: (() => Promise<void>) | undefined = task; next; next = this.#waiting.shift()) await next();
      this.#running = false;
    })();
  }

  // In any state but `from`, or once a stop began, the control does nothing.
  async #transition(from: 'running' | 'paused', pending: 'pausing' | 'continuing', to: 'paused' | 'running', event: ControlRequest<'pause' | 'continue'>) {
    const parts = this.#parts;
    if (parts.state() !== from || parts.stopping()) return;
    parts.setState(pending);
    parts.report({ state: pending });
    const ok = await parts.runListeners(event);
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
    const settled = await parts.runListeners(event);
    if (!parts.stopping()) parts.report(settled ? { state: 'reloaded' } : { state: 'reloaded', failed: true });
  }
}
