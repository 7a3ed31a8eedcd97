// The systemd host: signals as the posix host has them, plus the notify
// protocol (READY, STATUS, STOPPING, RELOADING, EXTEND_TIMEOUT_USEC, WATCHDOG,
// ERRNO) sent natively to $NOTIFY_SOCKET through an outbox that never loses
// what systemd acts on.
import { posixNative } from '../../native/load';
import { expectObject } from '../../validate';
import { checkSystemdOptions, type SystemdHostOptions } from './systemd-options';
import type { ExitInfo, HostContext, HostEvent, HostEventType, HostStatus } from '../host';
import { PosixHost } from '../posix';
import { decimal } from './decimal';
import { NotifyOutbox } from './notify-outbox';
import { notifySocketOf, notifySocketProblem } from './notify-socket';
import { ReloadAcknowledger } from './reload-ack';
import { NOTIFY_RELOAD_VARIABLE } from '../../lifecycle/installed-environment';
import { notifyAccessProblem } from './notify-access';

export type { SystemdHostOptions } from './systemd-options';

/** CLOCK_MONOTONIC in µs, the clock MONOTONIC_USEC= is read against (libuv's hrtime is CLOCK_MONOTONIC). */
function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

function usec(ms: number): number {
  return Math.ceil(ms * 1000);
}

// Values end at a newline: the protocol is one KEY=VALUE per line.
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/gu, ' ');
}

// How long close() waits for messages still waiting in the outbox.
const EXIT_FLUSH_MS = 2_000;

// setInterval's longest delay (2^31-1 ms, about 24.8 days): a longer one fires every millisecond.
const MAX_TIMER_MS = 0x7fffffff;

/** How often WATCHDOG=1 must go out, from WATCHDOG_USEC and WATCHDOG_PID; undefined when not asked. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  // Decimal digits only, as systemd writes them (Number() would read 0x10, 1e3 or ' 5').
  const microseconds = decimal(env.WATCHDOG_USEC);
  if (microseconds === undefined || microseconds <= 0) return undefined;
  if (env.WATCHDOG_PID && decimal(env.WATCHDOG_PID) !== pid) return undefined;
  // Half the timeout, as sd_watchdog_enabled(3) advises; a timeout beyond the
  // timer's range is pinged at the longest interval it can wait, which is sooner.
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(microseconds / 2000)));
}


// Read from this process's environment once, then taken out of it: a child
// process is not the unit's main process, and SIGHUP is not systemd's reload
// there. Remembered, so a second Service of this process (after dispose()) sees it too.
let notifyReloadOfProcess: boolean | undefined;
function processNotifyReload(): boolean {
  if (notifyReloadOfProcess === undefined) {
    notifyReloadOfProcess = process.env[NOTIFY_RELOAD_VARIABLE] === '1';
    delete process.env[NOTIFY_RELOAD_VARIABLE];
  }
  return notifyReloadOfProcess;
}

export class SystemdHost extends PosixHost {
  override readonly kind = 'systemd' as const;
  readonly #socket: string | undefined;
  readonly #socketProblem: string | undefined;
  readonly #watchdogMs: number | undefined;
  readonly #warnOption: ((message: string) => void) | undefined;
  #outbox: NotifyOutbox | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #stoppingSent = false;
  readonly #reloadAck: ReloadAcknowledger | undefined;
  // A Type=notify-reload unit of servicehost's: SIGHUP is systemd asking for a reload, never a stop.
  readonly #notifyReload: boolean;
  #reloadListened = false;
  readonly #notifyAccessProblem: string | undefined;
  #log: HostContext['log'] | undefined;

  constructor(options: SystemdHostOptions = {}) {
    super(options);
    const checked = checkSystemdOptions((key) => `hostOptions.systemd.${key}`, expectObject('hostOptions.systemd', options));
    const env = checked.env ?? process.env;
    this.#socket = notifySocketOf(env);
    this.#socketProblem = notifySocketProblem(env);
    this.#watchdogMs = checked.watchdog === false ? undefined : watchdogIntervalMs(env);
    this.#warnOption = checked.warn;
    this.#reloadAck = ReloadAcknowledger.fromEnvironment(env, (message) => this.#warn(message));
    this.#notifyReload = env === process.env ? processNotifyReload() : env[NOTIFY_RELOAD_VARIABLE] === '1';
    if (this.#notifyReload) super.listen(new Set(['reload']));
    this.#notifyAccessProblem = this.#socket === undefined ? undefined : notifyAccessProblem(env);
  }

  // The warn option, else service.log once the host is open, else stderr.
  #warn(message: string): void {
    if (this.#warnOption) return this.#warnOption(message);
    if (this.#log) return this.#log.warn(message);
    process.stderr.write(`${message}\n`);
  }

  override listen(types: ReadonlySet<HostEventType>): void {
    this.#reloadListened = types.has('reload');
    // Under Type=notify-reload, `systemctl reload` is SIGHUP: with no listener it is answered at once, never a stop.
    super.listen(this.#notifyReload && !types.has('reload') ? new Set([...types, 'reload']) : types);
    this.#reloadAck?.accept(types.has('reload'));
  }

  /** $NOTIFY_SOCKET, or undefined when systemd expects no notifications. */
  get notifySocket(): string | undefined {
    return this.#socket;
  }

  /** The watchdog ping interval in ms, or undefined when the watchdog is off. */
  get watchdogIntervalMs(): number | undefined {
    return this.#watchdogMs;
  }

  override open(deliver: (event: HostEvent) => void, context: HostContext): void {
    super.open(deliver, context);
    this.#log = context.log;
    const socket = this.#socket;
    if (this.#socketProblem !== undefined) this.#warn(`servicehost: ${this.#socketProblem}`);
    if (this.#notifyAccessProblem !== undefined) this.#warn(`servicehost: ${this.#notifyAccessProblem}`);
    if (socket === undefined) return;
    const native = posixNative();
    this.#outbox = new NotifyOutbox({ socket, send: (message) => native.sdNotify(socket, message), warn: (message) => this.#warn(message) });
    if (this.#watchdogMs !== undefined) {
      // From the event loop, so a stalled loop misses its pings; unref'd, so
      // it never holds the process. It keeps going through STOPPING to exit.
      this.#watchdog = setInterval(() => this.#outbox!.send('WATCHDOG=1', 'watchdog'), this.#watchdogMs).unref();
    }
  }

  override report(status: HostStatus): void {
    const lines: string[] = [];
    switch (status.state) {
      case 'running':
      case 'reloaded':
        lines.push('READY=1');
        break;
      case 'reloading':
        if (this.#notifyReload && !this.#reloadListened) this.#warn("servicehost: systemctl reload: the program does not listen for 'reload'; nothing was reloaded (service.on('reload', ...) does it)");
        this.#reloadAck?.begin();
        lines.push('RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`);
        break;
      case 'stopping':
        if (!this.#stoppingSent) lines.push('STOPPING=1');
        this.#stoppingSent = true;
        break;
    }
    if ((status.state === 'starting' || status.state === 'stopping') && status.waitHintMs !== undefined) {
      const extend = `EXTEND_TIMEOUT_USEC=${usec(status.waitHintMs)}`;
      // Alone (progress, a teardown step), a newer one supersedes it while the socket is full.
      if (lines.length === 0) return this.#outbox?.send(extend, 'extend');
      lines.push(extend);
    }
    if (lines.length > 0) this.#outbox?.send(lines.join('\n'), 'required');
    // After READY=1 is on its way: the helper's exit ends systemd's reload job.
    if (status.state === 'reloaded') this.#reloadAck?.settled(status.failed !== true);
  }

  // False, so the lifecycle logs the text, when it cannot reach systemd: no
  // usable socket, or the send failed for good (no such socket, refused).
  override statusText(message: string): boolean {
    if (this.#outbox === undefined) return false;
    this.#outbox.send(`STATUS=${oneLine(message)}`, 'status');
    return !this.#outbox.lost;
  }

  /** Lets go as the posix host does, stops the watchdog pings and refuses reloads. */
  override dispose(): void {
    clearInterval(this.#watchdog);
    // SIGHUP is Node's again (it ends the process): the reload helper must not send it.
    this.#reloadAck?.accept(false);
    super.dispose();
  }

  protected override async beforeExit(exit: ExitInfo): Promise<void> {
    clearInterval(this.#watchdog);
    if (this.#outbox === undefined) return;
    // EXIT_STATUS= (systemd 254+ reads it; older ones ignore a field they do not know) on every exit.
    const lines = [`EXIT_STATUS=${exit.exitCode}`];
    if (exit.exitCode !== 0) {
      lines.push(`ERRNO=${exit.errno ?? exit.exitCode}`);
      if (exit.message) lines.unshift(`STATUS=${oneLine(exit.message)}`);
    }
    this.#outbox.send(lines.join('\n'), 'required');
    await this.#outbox.flush(EXIT_FLUSH_MS);
    const repeats = this.#outbox.summary();
    if (repeats !== undefined) this.#warn(repeats);
  }
}
