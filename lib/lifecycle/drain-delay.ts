// The wait between "stop" and the drain: readiness already answers 503, the
// listeners still accept and serve, so that a load balancer probing readiness
// sees the service leave before its sockets close. As lightship's shutdown
// delay; Kubernetes removes a pod's endpoints asynchronously, so the wait
// there is on by default.

/** The recommended wait under Kubernetes: its endpoint removal and kube-proxy update take seconds. */
export const KUBERNETES_DRAIN_DELAY_MS = 5_000;

/** drainDelayMs when the options give none: 5000 under Kubernetes (KUBERNETES_SERVICE_HOST), else 0. */
export function defaultDrainDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  return env.KUBERNETES_SERVICE_HOST ? KUBERNETES_DRAIN_DELAY_MS : 0;
}

/** One wait that something can cut short. */
export class DrainDelay {
  #cut: (() => void) | undefined;

  /** True while the wait runs. */
  get waiting(): boolean {
    return this.#cut !== undefined;
  }

  /** Waits `ms` (ref'd: the process stays up for it), or until cut(). */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.cut(), ms);
      this.#cut = () => {
        clearTimeout(timer);
        this.#cut = undefined;
        resolve();
      };
    });
  }

  /** Ends the wait now; false when none runs. */
  cut(): boolean {
    if (!this.#cut) return false;
    this.#cut();
    return true;
  }
}
