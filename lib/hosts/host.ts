// The contract between the platform-neutral lifecycle and the one place that
// knows a platform. A host turns the OS's controls into HostEvents and the
// lifecycle's progress into the OS's own status reports.

export type HostKind = 'windows-service' | 'windows-console' | 'systemd' | 'posix';

/** Why a stop was asked for. */
export type StopReason = 'scm-stop' | 'shutdown' | 'preshutdown' | 'signal' | 'console' | 'programmatic' | 'error';

export type HostEvent =
  /** The OS asks the program to stop. */
  | { type: 'stop'; reason: StopReason }
  /** The host cannot do its job (e.g. the SCM refused the connection). */
  | { type: 'error'; error: Error };

/**
 * What the lifecycle tells the OS. Reporting 'starting' or 'stopping' again is
 * progress: the SCM's checkpoint advances; `waitHintMs` is how long until the next report.
 */
export type HostStatus =
  | { state: 'starting'; waitHintMs?: number }
  | { state: 'running' }
  | { state: 'stopping'; waitHintMs?: number };

export interface ExitInfo {
  /** The process exit code, 0 to 255; 0 is a clean stop. */
  exitCode: number;
}

export interface Host {
  readonly kind: HostKind;
  /** Starts delivering the OS's controls. Once. */
  open(deliver: (event: HostEvent) => void): void;
  /** Reports progress or a state. */
  report(status: HostStatus): void;
  /** The final report, exactly once; then the process exits with `exit.exitCode`. */
  close(exit: ExitInfo): Promise<void>;
}
