// A Service's events: their names and payloads, which controls their
// listeners let in (a 'pause' listener makes the SCM offer pause), and how
// they are called: an emit whose throwing listener does not break the path
// that emitted, and pause/continue/reload listeners awaited together.
import { EventEmitter } from 'node:events';
import { ServicehostError } from '../errors';
import type { ControlRequest, Host, HostEvent, HostEventType } from '../hosts/host';
import { expectFunction, showValue } from '../validate';
import type { ControlEvent } from './controls';
import type { ServiceState, StopEvent } from './states';

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
  pause: [ControlEvent<'pause'>];
  /** Continue listeners may return a promise: the service runs again when they settle. */
  continue: [ControlEvent<'continue'>];
  /** Reload listeners may return a promise: systemd sees RELOADING=1 until they settle. */
  reload: [ControlEvent<'reload'>];
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

/** The listeners of one Service. */
export class ServiceListeners {
  readonly #events = new EventEmitter();
  readonly #host: Host;
  readonly #closed: () => boolean;
  readonly #failed: (type: string, reason: unknown) => void;

  /** `closed`: the service ended, the host hears nothing more; `failed`: logs a listener that threw or rejected. */
  constructor(host: Host, closed: () => boolean, failed: (type: string, reason: unknown) => void) {
    this.#host = host;
    this.#closed = closed;
    this.#failed = failed;
  }

  add(event: ServiceEventName, listener: unknown, once: boolean): void {
    const name = this.#eventName(event);
    expectFunction(`service.on('${name}', listener): listener`, listener);
    if (once) this.#events.once(name, listener as (...args: unknown[]) => void);
    else this.#events.on(name, listener as (...args: unknown[]) => void);
    this.updateListened();
  }

  remove(event: ServiceEventName, listener: unknown): void {
    this.#events.off(this.#eventName(event), listener as (...args: unknown[]) => void);
    this.updateListened();
  }

  removeAll(event: ServiceEventName | undefined): void {
    if (event === undefined) this.#events.removeAllListeners();
    else this.#events.removeAllListeners(this.#eventName(event));
    this.updateListened();
  }

  count(event: ServiceEventName): number {
    return this.#events.listenerCount(event);
  }

  of<K extends ServiceEventName>(event: K): ServiceListener<K>[] {
    return this.#events.listeners(event) as ServiceListener<K>[];
  }

  // A listener that throws is an uncaught exception, as in any emitter; it is
  // raised after the emit so that the path that emitted (a stop) goes on.
  // Every event has one payload: passed on as it is, with no rest and spread on the stop's path.
  emit(type: string | symbol, payload: unknown): void {
    try {
      this.#events.emit(type, payload);
    } catch (error) {
      // Before the next step of the path that emitted: the outcome then knows of it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  // Calls each listener at once with the host's event and waits for what they
  // return; false if one threw or rejected (the control failed; the failure is logged).
  async run<K extends 'pause' | 'continue' | 'reload'>(event: ControlRequest<K>): Promise<boolean> {
    const type = event.type;
    const pending = this.#events.listeners(type).map((listener) => {
      try {
        return Promise.resolve((listener as (event: ControlRequest<K>) => unknown)(event));
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const results = await Promise.allSettled(pending);
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    for (const failure of failures) this.#failed(type, failure.reason);
    return failures.length === 0;
  }

  /** Tells the host which controls to let in: stop always, the others while something listens. */
  updateListened(): void {
    if (this.#closed()) return;
    const types = new Set<HostEventType>(['stop']);
    for (const [event, type] of Object.entries(HOST_EVENT_FOR)) {
      if (type && this.#events.listenerCount(event) > 0) types.add(type);
    }
    this.#host.listen(types);
  }

  #eventName(event: unknown): ServiceEventName {
    if (typeof event !== 'string' || !(event in HOST_EVENT_FOR || event === 'stop' || event === 'statechange')) {
      throw new ServicehostError(
        'ERR_INVALID_ARG_VALUE',
        `Service has no event ${showValue(event)}; its events are statechange, stop, ${Object.keys(HOST_EVENT_FOR).join(', ')}`,
      );
    }
    return event as ServiceEventName;
  }
}
