// The lifecycle's shared words: its states, why it is not ready, what a stop
// and its outcome look like, and its health. A leaf: it imports types only
// from leaves, so the hosts, the Windows table, manage and the parts of
// Service (options, controls, stop) name them without a cycle through service.ts.
import type { StopReason } from '../hosts/host';
import type { TeardownStepResult } from './teardown';

/**
 * A lifecycle state. Spelled out (not derived from SERVICE_STATES) so that
 * `servicehost/manage` can name it without the list; the list is checked
 * against it both ways below.
 */
export type ServiceState = 'starting' | 'running' | 'pausing' | 'paused' | 'continuing' | 'stopping' | 'stopped';
/** Every lifecycle state, in the order a service passes them. */
export const SERVICE_STATES = ['starting', 'running', 'pausing', 'paused', 'continuing', 'stopping', 'stopped'] as const satisfies readonly ServiceState[];
const everyStateListed: [Exclude<ServiceState, (typeof SERVICE_STATES)[number]>] extends [never] ? true : never = true;
void everyStateListed;

/** Why a service is not ready: its state, or what the application said. */
export const NOT_READY_REASONS = ['starting', 'pausing', 'paused', 'continuing', 'stopping', 'stopped', 'set-not-ready', 'while-not-ready'] as const;
/** One of {@link NOT_READY_REASONS}. */
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

/** What a 'stop' listener receives: why the service stops. */
export interface StopEvent {
  /** Who asked: the SCM, a signal, the console, `service.stop()`, an error. */
  reason: StopReason;
  /** The signal ('SIGTERM'), console event ('ctrl-c', 'close') or text given to stop(). */
  detail?: string;
  /** The error behind a stop with reason 'error'. */
  error?: unknown;
}

/** How the stop went (`service.stopped`). */
export interface StopOutcome extends StopEvent {
  /** The process exit code, from the exit-code table. */
  exitCode: number;
  /** Each teardown step that ran, in order. */
  steps: TeardownStepResult[];
  /** True when the process was ended before teardown finished (a repeated interactive stop, stopTimeoutMs). */
  forced: boolean;
  /** From the stop request to the end of teardown. */
  durationMs: number;
}

/** The service's health, as `service.health()` and the health handler see it. */
export interface ServiceHealth {
  /** The lifecycle state. */
  state: ServiceState;
  /** Running and taking work. */
  ready: boolean;
  /** The process is up and its lifecycle has not ended; readiness aside. */
  live: boolean;
  /** Stopping or stopped: load balancers should send nothing more. */
  stopping: boolean;
  /** Why the service is not ready; empty when it is. */
  reasons: NotReadyReason[];
}
