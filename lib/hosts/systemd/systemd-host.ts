// The systemd host: signals as the posix host has them, plus the notify
// protocol (READY, STATUS, STOPPING, RELOADING, EXTEND_TIMEOUT_USEC, WATCHDOG,
// ERRNO, FDSTORE) sent natively to $NOTIFY_SOCKET, and socket activation.
import { ServicehostError } from '../../errors';
import { loadNative } from '../../native/load';
import { expectFunction, expectObject, expectString, optionalBoolean } from '../../validate';
import type { ExitInfo, HostEvent, HostStatus } from '../host';
import { PosixHost, type PosixHostOptions } from '../posix';

export interface SystemdHostOptions extends PosixHostOptions {
  /** The environment to read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Send WATCHDOG=1 when systemd asks for it (WatchdogSec=). Default true. */
  watchdog?: boolean;
  /** Where a failed notification is reported; it never throws. Default `process.emitWarning`. */
  warn?: (message: string) => void;
}

/** CLOCK_MONOTONIC in µs, the clock MONOTONIC_USEC= is read against (libuv's hrtime is CLOCK_MONOTONIC). */
function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

function usec(ms: number): number {
  return Math.ceil(ms * 1000);
}

// Values end at a newline: the protocol is one KEY=VALUE per line.
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** How often WATCHDOG=1 must go out, from WATCHDOG_USEC and WATCHDOG_PID; undefined when not asked. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const microseconds = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isSafeInteger(microseconds) || microseconds <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  // Half the timeout, as sd_watchdog_enabled(3) advises.
  return Math.max(1, Math.floor(microseconds / 2000));
}

export class SystemdHost extends PosixHost {
  override readonly kind = 'systemd' as const;
  readonly #socket: string | undefined;
  readonly #watchdogMs: number | undefined;
  readonly #warn: (message: string) => void;
  #watchdog: NodeJS.Timeout | undefined;
  #stoppingSent = false;
  #failing: string | undefined;

  constructor(options: SystemdHostOptions = {}) {
    super(options);
    const checked = expectObject('new SystemdHost(options)', options);
    const env = (checked.env === undefined ? process.env : expectObject('SystemdHost: options.env', checked.env)) as NodeJS.ProcessEnv;
    this.#socket = env.NOTIFY_SOCKET || undefined;
    this.#watchdogMs = optionalBoolean('SystemdHost: options.watchdog', checked.watchdog) === false ? undefined : watchdogIntervalMs(env);
    this.#warn =
      checked.warn === undefined
        ? (message) => process.emitWarning(message, 'ServicehostWarning')
        : (expectFunction('SystemdHost: options.warn', checked.warn) as (message: string) => void);
  }

  /** $NOTIFY_SOCKET, or undefined when systemd expects no notifications. */
  get notifySocket(): string | undefined {
    return this.#socket;
  }

  /** The watchdog ping interval in ms, or undefined when the watchdog is off. */
  get watchdogIntervalMs(): number | undefined {
    return this.#watchdogMs;
  }

  override open(deliver: (event: HostEvent) => void): void {
    super.open(deliver);
    if (this.#watchdogMs !== undefined) {
      // From the event loop, so a stalled loop misses its pings; unref'd, so
      // it never holds the process. It keeps going through STOPPING to exit.
      this.#watchdog = setInterval(() => this.#notify('WATCHDOG=1'), this.#watchdogMs).unref();
    }
  }

  override report(status: HostStatus): void {
    super.report(status);
    const lines: string[] = [];
    switch (status.state) {
      case 'running':
        lines.push('READY=1');
        break;
      case 'reloading':
        lines.push('RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`);
        break;
      case 'stopping':
        if (!this.#stoppingSent) lines.push('STOPPING=1');
        this.#stoppingSent = true;
        break;
    }
    if ((status.state === 'starting' || status.state === 'stopping') && status.waitHintMs !== undefined) {
      lines.push(`EXTEND_TIMEOUT_USEC=${usec(status.waitHintMs)}`);
    }
    if (lines.length > 0) this.#notify(lines.join('\n'));
  }

  override statusText(message: string): boolean {
    super.statusText(message); // checks it
    this.#notify(`STATUS=${oneLine(message)}`);
    return this.#socket !== undefined;
  }

  /** FDSTORE=1: systemd keeps `fds` under `name` across restarts (FileDescriptorStoreMax=). */
  storeFds(fds: readonly number[], name: string): boolean {
    if (!Array.isArray(fds)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'SystemdHost.storeFds(fds, name): fds must be an array');
    const checkedName = expectString('SystemdHost.storeFds(fds, name): name', name, { nonEmpty: true });
    if (!/^[\x21-\x7e]{1,255}$/.test(checkedName) || checkedName.includes(':')) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'SystemdHost.storeFds: name must be 1 to 255 printable ASCII characters without ":"');
    }
    if (this.#socket === undefined) return false;
    loadNative().sdNotify(this.#socket, `FDSTORE=1\nFDNAME=${checkedName}`, fds);
    return true;
  }

  protected override beforeExit(exit: ExitInfo): void {
    clearInterval(this.#watchdog);
    if (exit.exitCode === 0) return;
    const lines = [`ERRNO=${exit.errno ?? exit.exitCode}`];
    if (exit.message) lines.unshift(`STATUS=${oneLine(exit.message)}`);
    this.#notify(lines.join('\n'));
  }

  #notify(message: string): void {
    if (this.#socket === undefined) return;
    try {
      loadNative().sdNotify(this.#socket, message);
      if (this.#failing) this.#warn(`sd_notify to ${this.#socket} works again`);
      this.#failing = undefined;
    } catch (error) {
      // Once per kind of failure: a watchdog ping a second must not flood the log.
      const code = String((error as { code?: unknown }).code);
      if (this.#failing !== code) this.#warn(`sd_notify to ${this.#socket} failed: ${(error as Error).message} (${message.split('\n')[0]})`);
      this.#failing = code;
    }
  }
}
