// Readiness beyond the lifecycle's own state: the application says it cannot
// take work for a while (setReady(false), a lost database) or until a task
// settles (whileNotReady, as lightship's blocking tasks). Load balancers and
// Kubernetes read it from the health handler's readiness path.
import { ServicehostError } from '../errors';
import type { NotReadyReason, ServiceState } from './states';

export { NOT_READY_REASONS, type NotReadyReason } from './states';

export class Readiness {
  #setNotReady = false;
  #tasks = 0;

  set(ready: boolean): void {
    if (typeof ready !== 'boolean') throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'service.setReady(ready): ready must be true or false');
    this.#setNotReady = !ready;
  }

  /** Not ready until `task` (a promise, or a function returning one) settles; returns what it settles with. */
  while<T>(task: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<T> {
    if (typeof task !== 'function' && !(typeof task === 'object' && task !== null && typeof (task as PromiseLike<T>).then === 'function')) {
      throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'service.whileNotReady(task): task must be a promise or a function that returns one');
    }
    this.#tasks += 1;
    const settled = typeof task === 'function' ? Promise.resolve().then(task) : Promise.resolve(task);
    const done = () => {
      this.#tasks -= 1;
    };
    settled.then(done, done);
    return settled;
  }

  /** Every reason the service is not ready now; empty when it is. */
  reasons(state: ServiceState, stopping: boolean): NotReadyReason[] {
    const reasons: NotReadyReason[] = [];
    if (stopping) reasons.push(state === 'stopped' ? 'stopped' : 'stopping');
    else if (state !== 'running') reasons.push(state);
    if (this.#setNotReady) reasons.push('set-not-ready');
    if (this.#tasks > 0) reasons.push('while-not-ready');
    return reasons;
  }
}
