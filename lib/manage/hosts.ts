// One view of several hosts (`--host a --host b`, listHosts, queryHosts): the
// same question to each, in parallel up to a bound, each with its own
// deadline. A host that does not answer in time, cannot be reached or refuses
// gets a row of its own with a typed error; the others are not held up. How
// one host is asked is its platform's (remote-host.ts picks it): from a child
// process on Windows, in this process under systemd; the deadline's signal
// ends the child processes either way.
import { ServicehostError } from '../errors';
import type { HostTask } from './remote-access';

/** How several hosts are asked. */
export interface HostsOptions {
  /** Each host's own limit in ms: a host that has not answered by then gets an ERR_SERVICEHOST_HOST_UNREACHABLE row. Default 10000. */
  timeoutMs?: number;
  /** How many hosts are asked at once. Default 8. */
  concurrency?: number;
}

/** Why a host has no answer, or refused one. */
export interface HostError {
  /** ERR_SERVICEHOST_HOST_UNREACHABLE (no answer in time, or no connection), ERR_SERVICEHOST_ACCESS_DENIED, ERR_SERVICEHOST_SERVICE_NOT_FOUND, ... */
  code: string;
  /** What happened, for a person. */
  message: string;
  /** The system's own code, when the system refused: 'RPC_S_SERVER_UNAVAILABLE'. */
  systemCode?: string;
}

/** The row of a host with no answer, or one that refused. */
export interface HostErrorRow {
  /** The host, as given. */
  host: string;
  /** Why there is no answer. */
  error: HostError;
}

/** A row of listHosts or queryHosts: the host's answer (one row per service), or its error. */
export type HostRow<T> =
  | (T & {
      /** The host the service is on, as given. */
      host: string;
      /** Absent: this row is an answer. */
      error?: undefined;
    })
  | HostErrorRow;

const DEFAULT_HOST_TIMEOUT_MS = 10_000;
const DEFAULT_HOST_CONCURRENCY = 8;

function hostErrorOf(error: unknown): HostError {
  const { code, message, systemCode } = (error ?? {}) as { code?: unknown; message?: unknown; systemCode?: unknown };
  return {
    code: typeof code === 'string' ? code : 'ERR_SERVICEHOST_COMMAND_FAILED',
    message: typeof message === 'string' ? message : String(error),
    ...(typeof systemCode === 'string' ? { systemCode } : {}),
  };
}

/** Checks {@link HostsOptions} and the host list; returns the limits. */
export function checkHostsOptions(hosts: unknown, options: HostsOptions | undefined, where: string): { timeoutMs: number; concurrency: number } {
  if (!Array.isArray(hosts) || hosts.length === 0) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}: hosts must be a non-empty array of host strings`);
  const { timeoutMs = DEFAULT_HOST_TIMEOUT_MS, concurrency = DEFAULT_HOST_CONCURRENCY } = options ?? {};
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ServicehostError('ERR_OUT_OF_RANGE', `${where}: timeoutMs must be a positive integer`);
  if (!Number.isInteger(concurrency) || concurrency <= 0) throw new ServicehostError('ERR_OUT_OF_RANGE', `${where}: concurrency must be a positive integer`);
  return { timeoutMs, concurrency };
}

/**
 * Runs `task` for each host, at most `concurrency` at once, and resolves with
 * one result per host, in the hosts' order; never rejects. At a host's
 * deadline its signal aborts and its row is ERR_SERVICEHOST_HOST_UNREACHABLE
 * at once, whatever the task is still doing.
 */
export async function eachHost<T>(hosts: readonly string[], task: HostTask<T>, limits: { timeoutMs: number; concurrency: number }): Promise<Array<{ host: string; value?: T; error?: HostError }>> {
  const results: Array<{ host: string; value?: T; error?: HostError }> = new Array(hosts.length);
  let next = 0;
  const one = async (host: string): Promise<{ host: string; value?: T; error?: HostError }> => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ host: string; error: HostError }>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ host, error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: `${host} did not answer within ${limits.timeoutMs} ms` } });
      }, limits.timeoutMs);
    });
    try {
      const answered = Promise.resolve()
        .then(() => task(host, controller.signal, limits.timeoutMs))
        .then(
          (value) => ({ host, value }),
          (error: unknown) => ({ host, error: hostErrorOf(error) }),
        );
      return await Promise.race([answered, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next;
      next += 1;
      results[index] = await one(hosts[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.concurrency, hosts.length) }, worker));
  return results;
}

/** One row per service per host, in the hosts' order; a host without an answer is one error row. */
export function rowsOf<T extends object>(results: Array<{ host: string; value?: T | T[]; error?: HostError }>): Array<HostRow<T>> {
  return results.flatMap((result): Array<HostRow<T>> => {
    if (result.error) return [{ host: result.host, error: result.error }];
    const values = Array.isArray(result.value) ? result.value : [result.value as T];
    return values.map((value) => ({ ...value, host: result.host }) as HostRow<T>);
  });
}
