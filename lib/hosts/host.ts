// The contract between the platform-neutral lifecycle and the one place that
// knows a platform. A host turns the OS's controls into HostEvents and the
// lifecycle's progress into the OS's own status reports.
import type { Logger } from '../lifecycle/log';

export type HostKind = 'windows-service' | 'windows-console' | 'systemd' | 'posix';

/** Why a stop was asked for. */
export type StopReason = 'scm-stop' | 'shutdown' | 'preshutdown' | 'signal' | 'console' | 'programmatic' | 'error';

export type HostEvent =
  /** The OS asks the program to stop. `detail`: the signal or console event ('SIGTERM', 'ctrl-c', 'close'). */
  | { type: 'stop'; reason: StopReason; detail?: string }
  | { type: 'pause' }
  | { type: 'continue' }
  /** Reload configuration (Windows PARAMCHANGE, SIGHUP). */
  | { type: 'reload' }
  /** Windows POWEREVENT: `eventType` is the PBT_* code; a setting change carries its GUID and value. */
  | { type: 'power'; eventType: number; powerSetting?: string; data?: Buffer }
  /** Windows SESSIONCHANGE: `eventType` is the WTS_* reason. */
  | { type: 'session'; eventType: number; sessionId: number }
  /** A program-defined control, 128 to 255. */
  | { type: 'custom'; code: number }
  /** Any other platform control, by name (netbindadd, timechange, deviceevent, interrogate, ...). */
  | { type: 'control'; name: string; code: number; eventType: number; newTime?: number; oldTime?: number; deviceType?: number }
  /** The host cannot do its job (e.g. the SCM refused the connection). */
  | { type: 'error'; error: Error };

export type HostEventType = HostEvent['type'];

/**
 * What the lifecycle tells the OS. Reporting a pending state ('starting',
 * 'pausing', 'continuing', 'stopping') again is progress: the SCM's
 * checkpoint advances, systemd's timeout is extended; `waitHintMs` is how long
 * until the next report. 'reloading' is systemd's RELOADING=1; a host without
 * it stays running.
 */
export type HostStatus =
  | { state: 'starting' | 'pausing' | 'continuing' | 'stopping'; waitHintMs?: number }
  | { state: 'running' | 'paused' | 'reloading' };

/** Every state a host can be told about, for argument checks. */
export const HOST_STATES: readonly HostStatus['state'][] = ['starting', 'running', 'pausing', 'paused', 'continuing', 'reloading', 'stopping'];

export interface ExitInfo {
  /** The process exit code, 0 to 255; 0 is a clean stop. */
  exitCode: number;
  /** Why a non-zero outcome happened, for hosts that can show it (systemd STATUS=). */
  message?: string;
  /** A system error number behind the failure (systemd ERRNO=); hosts fall back to the exit code. */
  errno?: number;
}

export interface Host {
  readonly kind: HostKind;
  /** Starts delivering the OS's controls. Once. */
  open(deliver: (event: HostEvent) => void): void;
  /** The event types the program listens to; the host lets in the controls they need. */
  listen(types: ReadonlySet<HostEventType>): void;
  /** Reports progress or a state. */
  report(status: HostStatus): void;
  /** Free status text (systemd STATUS=). Returns whether the OS shows it. (Service keeps the last text itself, as statusMessage.) */
  statusText(message: string): boolean;
  /** Optional: the logger that fits this host (service.log's default). Without it, plain stderr. */
  defaultLogger?(name: () => string): Logger;
  /**
   * Optional, for speed: runs the host's own stop handler once, delivering
   * the stop event it would deliver for a real stop. Service calls it while
   * idle with delivery in rehearsal (nothing happens), so that the one real
   * stop of the process runs compiled code.
   */
  rehearseStop?(): void;
  /** Hands file descriptors to the OS to keep across restarts (systemd FDSTORE=1); false where the host has no store. */
  storeFds?(fds: readonly number[], name: string): boolean;
  /** The final report, exactly once; then the process exits with `exit.exitCode`. */
  close(exit: ExitInfo): Promise<void>;
}
