// The contract between the platform-neutral lifecycle (Service) and the one
// place that knows a platform. A host turns the OS's controls into HostEvents,
// delivered through one callback, and the lifecycle's progress into the OS's
// own status reports. Service validates what it hands a host; hosts do not
// check it again.
import type { Logger } from '../lifecycle/log';

/** Which host runs the service: the SCM, a Windows console, systemd, or plain POSIX signals. */
export type HostKind = 'windows-service' | 'windows-console' | 'systemd' | 'posix';

/** Why a stop was asked for. */
export type StopReason = 'scm-stop' | 'shutdown' | 'preshutdown' | 'signal' | 'console' | 'programmatic' | 'error';

/** Who asked for a pause, continue or reload: the SCM (a Windows service control) or a signal (SIGHUP). */
export type ControlReason = 'scm' | 'signal';

/**
 * A pause, continue or reload, as its listeners receive it: who asked, and how.
 * A built-in host makes each once and hands the same frozen object every time.
 */
export interface ControlRequest<K extends 'pause' | 'continue' | 'reload'> {
  /** Which control. */
  type: K;
  /** Who asked. */
  reason: ControlReason;
  /** The signal ('SIGHUP') or the SCM's control ('pause', 'continue', 'paramchange'). */
  detail?: string;
}

/**
 * What a host delivers. Events are plain data (JSON.stringify takes them
 * whole): a time is a number. `receivedAt` (Windows controls): when the
 * native handler saw the control, ms on the clock of `Number(process.hrtime.bigint()) / 1e6`.
 */
export type HostEvent =
  /** The OS asks the program to stop. */
  | {
      type: 'stop';
      /** Who asked. */
      reason: StopReason;
      /** The signal or console event: 'SIGTERM', 'ctrl-c', 'close'. */
      detail?: string;
      /** A person asked (SIGINT, Ctrl-C, Ctrl-Break): asked again during the teardown, it forces the exit. */
      interactive?: boolean;
    }
  /** Pause (Windows PAUSE). */
  | ControlRequest<'pause'>
  /** Continue after a pause (Windows CONTINUE). */
  | ControlRequest<'continue'>
  /** Reload configuration (Windows PARAMCHANGE, SIGHUP). */
  | ControlRequest<'reload'>
  /** Windows POWEREVENT. */
  | {
      type: 'power';
      /** The PBT_* code. */
      eventType: number;
      /** A power setting change (PBT_POWERSETTINGCHANGE): the setting's GUID, `{8-4-4-4-12}`. */
      powerSetting?: string;
      /** A power setting change: its new value. */
      data?: Buffer;
      /** When the native handler saw it (ms). */
      receivedAt?: number;
    }
  /** Windows SESSIONCHANGE. */
  | {
      type: 'session';
      /** The WTS_* reason. */
      eventType: number;
      /** The session it is about. */
      sessionId: number;
      /** When the native handler saw it (ms). */
      receivedAt?: number;
    }
  /** A program-defined control, 128 to 255, each its own event. */
  | {
      type: 'custom';
      /** The control's code, 128 to 255. */
      code: number;
      /**
       * How many controls it stands for: 1 unless more than 1024 waited for a
       * blocked loop (past that bound a repeat folds into an identical waiting one).
       */
      repeats?: number;
      /** When the native handler saw it (ms). */
      receivedAt?: number;
    }
  /** Any other platform control, by its name (netbindadd, timechange, deviceevent, interrogate, ...). */
  | {
      type: 'control';
      /** The control's name. */
      control: string;
      /** SERVICE_CONTROL_*. */
      code: number;
      /** dwEventType: the DBT_* of a device event, 0 for most. */
      eventType: number;
      /** timechange: the new system time, ms since 1970 (UTC). */
      newTime?: number;
      /** timechange: the system time before, ms since 1970 (UTC). */
      oldTime?: number;
      /** deviceevent, hardwareprofilechange: the device type (dbch_devicetype). */
      deviceType?: number;
      /** When the native handler saw it (ms). */
      receivedAt?: number;
    }
  /** The host cannot do its job (e.g. the SCM refused the connection). */
  | {
      type: 'error';
      /** What went wrong. */
      error: Error;
    };

/** The `type` of a {@link HostEvent}. */
export type HostEventType = HostEvent['type'];

/**
 * What the lifecycle tells the OS. Reporting a pending state ('starting',
 * 'pausing', 'continuing', 'stopping') again is progress: the SCM's
 * checkpoint advances, systemd's timeout is extended; `waitHintMs` is how long
 * until the next report. 'reloading' and 'reloaded' bracket a reload
 * (systemd RELOADING=1, then READY=1); a host without them ignores both.
 */
export type HostStatus =
  | {
      /** A pending state; reported again, it is progress. */
      state: 'starting' | 'pausing' | 'continuing' | 'stopping';
      /** Milliseconds until the next report. */
      waitHintMs?: number;
    }
  | {
      /** A settled state, or a reload under way. */
      state: 'running' | 'paused' | 'reloading';
    }
  | {
      /** The reload is over. */
      state: 'reloaded';
      /** A reload listener threw or rejected. */
      failed?: boolean;
    };

/** How the process ends: what the lifecycle hands {@link Host.close}. */
export interface ExitInfo {
  /** The process exit code, 0 to 255; 0 is a clean stop. */
  exitCode: number;
  /** Why a non-zero outcome happened, for hosts that can show it (systemd STATUS=). */
  message?: string;
  /** A system error number behind the failure (systemd ERRNO=); hosts fall back to the exit code. */
  errno?: number;
}

/** What the lifecycle tells a host once, as it opens it. */
export interface HostContext {
  /** How long start() may take. */
  startTimeoutMs: number;
  /** How long the whole teardown may take. */
  stopTimeoutMs: number;
  /** Where the host reports its own trouble (a notification it could not send). */
  log: Logger;
}

/**
 * The contract between `Service` and the one place that knows a platform: a host turns the OS's controls into {@link HostEvent}s and the lifecycle's progress into the OS's status reports.
 * Hand one to `new Service({ host })` (a test's recording host); otherwise the package's entry picks the host by detection.
 */
export interface Host {
  /** Which host this is. */
  readonly kind: HostKind;
  /** The name the OS knows the service by, once it has said (the SCM's service name). */
  readonly serviceName?: string;
  /** Optional: resolves once the OS has taken the service on (the SCM called ServiceMain); start() waits for it before running. */
  whenConnected?(): Promise<void>;
  /** Starts delivering the OS's controls, through `deliver` alone. Once. */
  open(deliver: (event: HostEvent) => void, context: HostContext): void;
  /**
   * Optional: delivers the host's own stop event once, at once, along the path
   * a real stop takes (its handler, then `deliver`), so that the one real stop
   * runs code V8 has compiled. Service calls it once the service runs, while
   * its stop path lets that one event pass without effect.
   */
  rehearseStop?(): void;
  /** The event types the program listens to; the host lets in the controls they need. */
  listen(types: ReadonlySet<HostEventType>): void;
  /** Reports progress or a state. */
  report(status: HostStatus): void;
  /** Free status text (systemd STATUS=). Returns whether the OS shows it. */
  statusText(message: string): boolean;
  /** Optional: the logger that fits this host (service.log's default). Without it, plain stderr. */
  defaultLogger?(name: () => string): Logger;
  /** The final report, exactly once; then the process exits with `exit.exitCode`. */
  close(exit: ExitInfo): Promise<void>;
  /**
   * Optional: lets go of the process without ending it (service.dispose()):
   * removes every handler the host added, sends nothing more. A host that
   * cannot let go (the SCM's connection lasts the process's life) throws.
   */
  dispose?(): void;
}
