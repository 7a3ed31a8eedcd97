// The process's one SCM dispatcher, as JavaScript owns it: started early by
// `servicehost/register` or late by a host, whichever comes first, with every
// event queued until a consumer subscribes, so that none is lost while the
// application's own imports still run.
import { ServicehostError } from '../errors';
import { startServiceDispatcher, type DispatcherEvent } from './scm';

let started = false;
const queued: DispatcherEvent[] = [];
let consumer: ((event: DispatcherEvent) => void) | undefined;

/** Starts the dispatcher unless it already runs. */
export function connectDispatcher(options: { startWaitHintMs?: number } = {}): void {
  if (started) return;
  startServiceDispatcher({
    ...options,
    onEvent: (event) => (consumer ? consumer(event) : queued.push(event)),
  });
  started = true;
}

/** The one consumer: gets the queued events in order, then the live ones. */
export function consumeDispatcherEvents(listener: (event: DispatcherEvent) => void): void {
  if (consumer) {
    throw new ServicehostError('ERR_SERVICEHOST_DISPATCHER_STARTED', 'The service dispatcher already has a consumer: use one WindowsServiceHost per process.');
  }
  consumer = listener;
  for (const event of queued.splice(0)) listener(event);
}
