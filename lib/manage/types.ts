// What the manager reports, the same shape on every platform; the
// platform's own details sit under `windows`, `systemd` or `launchd`.
import type { ServiceState } from '../lifecycle/states';
import type { CommandOverrides } from './commands';
import type { ResolvedLogsOptions, ServiceLog } from './logs';
import type { InstallSpec } from './spec-types';

/** The service manager servicehost drives here: the Windows SCM, systemd or launchd. */
export type ManagerPlatform = 'windows' | 'systemd' | 'launchd';

/**
 * A service's run state as the manager sees it from outside, in one vocabulary
 * for the SCM, systemd and launchd: a lifecycle {@link ServiceState}, or
 * 'failed' (systemd's failed unit), or 'unknown'.
 */
export type ManagedServiceState = ServiceState | 'failed' | 'unknown';

/** One service, as {@link list} reports it. */
export interface ServiceSummary {
  /** The service's name (the SCM key, the unit's name, the launchd label). */
  name: string;
  /** The name people see. */
  displayName: string;
  /** Its run state now. */
  state: ManagedServiceState;
  /** The process, while there is one. */
  pid: number | undefined;
}

/** What the Windows SCM says of a service beyond the common fields. */
export interface WindowsServiceDetails {
  /** When it starts. */
  startType: 'auto' | 'delayed-auto' | 'manual' | 'disabled' | 'boot' | 'system';
  /** The command line the SCM runs (ImagePath). */
  imagePath: string;
  /** SERVICE_STATUS.dwWin32ExitCode. */
  win32ExitCode: number;
  /** SERVICE_STATUS.dwServiceSpecificExitCode. */
  serviceSpecificExitCode: number;
  /** SERVICE_STATUS.dwCheckPoint. */
  checkPoint: number;
  /** SERVICE_STATUS.dwWaitHint, ms. */
  waitHint: number;
  /** SERVICE_STATUS.dwControlsAccepted, the SERVICE_ACCEPT_* mask. */
  controlsAccepted: number;
  /** What the SCM does when the service fails (SERVICE_FAILURE_ACTIONS). */
  recovery: {
    /** Seconds without a failure after which the failure count is reset. */
    resetPeriodSec: number;
    /** The command a 'run' action runs. */
    command: string;
    /** The message broadcast before a 'reboot' action. */
    rebootMessage: string;
    /** One action per failure, in order; the last repeats. */
    actions: Array<{
      /** What the SCM does. */
      type: 'restart' | 'run' | 'reboot' | 'none';
      /** How long it waits first. */
      delayMs: number;
    }>;
  } | undefined;
  /** Whether a stop with a non-zero exit code counts as a failure for `recovery`. */
  failureActionsOnNonCrash: boolean | undefined;
  /** An automatic start delayed until after boot. */
  delayedAutoStart: boolean | undefined;
  /** How long a PRESHUTDOWN may take. */
  preshutdownTimeoutMs: number | undefined;
  /** The service SID type. */
  sidType: 'none' | 'unrestricted' | 'restricted' | undefined;
  /** The privileges it keeps; the others are removed from its token. */
  requiredPrivileges: string[] | undefined;
  /** The Environment value the SCM merges into the service's environment. */
  environment: Record<string, string>;
  /** The registered Event Log message file, when the name is a registered source. */
  eventLogMessageFile: string | undefined;
  /** Configuration levels this system would not report, with its error code (Wine: ERROR_INVALID_LEVEL). */
  unavailable: Record<string, string>;
}

/** What systemd says of a service beyond the common fields. */
export interface SystemdServiceDetails {
  /** The unit file. */
  unitPath: string;
  /** ActiveState: active, inactive, failed, ... */
  activeState: string;
  /** SubState: running, exited, dead, ... */
  subState: string;
  /** Result of the last run: success, exit-code, signal, timeout, ... */
  result: string;
  /** UnitFileState: enabled, disabled, ... */
  unitFileState: string;
  /** NRestarts: how often systemd restarted it. */
  restarts: number | undefined;
  /** Its socket units (`--listen`): the unit, its address, its FileDescriptorName= and, for a socket file, who may connect. Absent when it has none. */
  sockets?: Array<{
    /** web.socket */
    unit: string;
    /** Where it listens, as `--listen` writes it, here and over `--host` alike: 8080 (every address), 127.0.0.1:8080, [::1]:8080, /run/web.sock. */
    address: string;
    /** FileDescriptorName=: what service.listen() finds it by. */
    name: string;
    /** A socket path's SocketMode= (`--listen-mode`), four octal digits: '0660'. Absent for a port. */
    mode?: string;
    /** A socket path's SocketGroup= (`--listen-group`), when the unit sets one. */
    group?: string;
  }>;
}

/** What launchd says of a service beyond the common fields. */
export interface LaunchdServiceDetails {
  /** The plist file. */
  plistPath: string;
  /** The job's Label. */
  label: string;
}

/** One service in full, as {@link query} reports it. */
export interface ServiceInfo extends ServiceSummary {
  /** The service manager. */
  platform: ManagerPlatform;
  /** Its description. */
  description: string;
  /** The program's last exit code, when the system knows it. */
  exitCode: number | undefined;
  /** Whether it starts with the machine (or the user's session). */
  enabled: boolean;
  /** The account it runs as: 'NT SERVICE\\api', 'LocalSystem', a user name. */
  account: string | undefined;
  /** The command line as installed, split into its arguments; [0] is the node executable. */
  argv: string[];
  /** The same command line as one string a person can paste: the image path as the SCM has it, or argv quoted for a POSIX shell. */
  commandLine: string;
  /** The folder it starts in. */
  workingDirectory: string | undefined;
  /** The services it needs started first. */
  dependencies: string[];
  /** Windows only: the SCM's details. */
  windows?: WindowsServiceDetails;
  /** systemd only: the unit's details. */
  systemd?: SystemdServiceDetails;
  /** launchd only: the job's details. */
  launchd?: LaunchdServiceDetails;
}

/** What {@link install} and {@link configure} did. */
export interface InstallResult {
  /** The service's name. */
  name: string;
  /** The service manager. */
  platform: ManagerPlatform;
  /** The command line the system will run. */
  command: string;
  /** Where the unit or plist was written (systemd, launchd). */
  path: string | undefined;
  /** Whether it was started (install starts it unless `start: false`). */
  started: boolean;
  /** Defaults this system does not support and skipped (Wine: several SCM levels). */
  warnings: string[];
  /** Windows: rights servicehost granted the service's user account (SeServiceLogonRight, as services.msc does); uninstall revokes them. */
  grantedRights?: Array<{
    /** The account as the spec names it. */
    account: string;
    /** The right: SeServiceLogonRight. */
    right: string;
  }>;
}

/** How the controlling functions wait for the service to reach its state. */
export interface WaitOptions {
  /** Wait until the service reaches the state. Default true. */
  wait?: boolean;
  /** Overall limit in ms. Default 60000. */
  timeoutMs?: number;
  /** Called with each status seen while waiting. */
  onProgress?: (progress: { state: ManagedServiceState; checkPoint: number; waitHint: number }) => void;
}

/** Options of {@link stop}. */
export interface StopOptions extends WaitOptions {
  /** A comment the Windows SCM records with the stop reason. */
  comment?: string;
}

/** Options of {@link start}. */
export interface StartOptions extends WaitOptions {
  /** Arguments given to ServiceMain (Windows only). */
  args?: string[];
}

/** Which services {@link list} reports. */
export interface ListFilter {
  /** Keep names that contain this string, or match this expression. */
  match?: string | RegExp;
  /** Only services servicehost installed. Default: true on systemd and launchd, false on Windows. */
  servicehostOnly?: boolean;
}

/** Where a service lives when it is not the system-wide default. */
export interface ScopeOptions {
  /** systemd: the user's manager (--user). launchd: a LaunchAgent. */
  user?: boolean;
  /** systemd: an offline root (systemctl --root). */
  root?: string;
  /** launchd: the folder the plist is in. */
  directory?: string;
  /** uninstall: remove a service servicehost did not install (it carries no servicehost marker). Default false. */
  force?: boolean;
  /** uninstall, Windows: also delete the folder of the service's captured output. Default false: the logs stay. */
  removeLogs?: boolean;
  /** Programs to run instead of the standard systemctl / launchctl (tests, unusual installs). */
  commands?: CommandOverrides;
  /**
   * Another machine's manager: Windows `\\server` or `server` (the SCM's RPC), systemd
   * `user@host[:port]` or `host` (`systemctl -H`, and journalctl over ssh). Absent: this
   * machine. launchd has none (ERR_SERVICEHOST_REMOTE_UNSUPPORTED). docs/manage.md, "Remote hosts".
   */
  host?: string;
}

export interface ServiceManager {
  readonly platform: ManagerPlatform;
  install(spec: InstallSpec, options?: Pick<ScopeOptions, 'host'>): Promise<InstallResult>;
  configure(spec: InstallSpec, options?: Pick<ScopeOptions, 'host'>): Promise<InstallResult>;
  uninstall(name: string, options: ScopeOptions & WaitOptions): Promise<void>;
  start(name: string, options: ScopeOptions & StartOptions): Promise<void>;
  stop(name: string, options: ScopeOptions & StopOptions): Promise<void>;
  restart(name: string, options: ScopeOptions & WaitOptions): Promise<void>;
  query(name: string, options: ScopeOptions): Promise<ServiceInfo>;
  list(filter: ListFilter & ScopeOptions): Promise<ServiceSummary[]>;
  logs(name: string, options: ScopeOptions & ResolvedLogsOptions): Promise<ServiceLog>;
}
