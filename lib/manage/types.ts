// What the manager reports, the same shape on every platform; the
// platform's own details sit under `windows`, `systemd` or `launchd`.
import type { ServiceState } from '../lifecycle/service';

export type ManagerPlatform = 'windows' | 'systemd' | 'launchd';

/** A service's run state, in one vocabulary for the SCM, systemd and launchd. */
export type ManagedServiceState = ServiceState | 'failed' | 'unknown';

export interface ServiceSummary {
  name: string;
  displayName: string;
  state: ManagedServiceState;
  /** The process, while there is one. */
  pid: number | undefined;
}

export interface WindowsServiceDetails {
  startType: 'auto' | 'delayed-auto' | 'manual' | 'disabled' | 'boot' | 'system';
  imagePath: string;
  win32ExitCode: number;
  serviceSpecificExitCode: number;
  checkPoint: number;
  waitHint: number;
  controlsAccepted: number;
  recovery: {
    resetPeriodSec: number;
    command: string;
    rebootMessage: string;
    actions: Array<{ type: 'restart' | 'run' | 'reboot' | 'none'; delayMs: number }>;
  } | undefined;
  failureActionsOnNonCrash: boolean | undefined;
  delayedAutoStart: boolean | undefined;
  preshutdownTimeoutMs: number | undefined;
  sidType: 'none' | 'unrestricted' | 'restricted' | undefined;
  requiredPrivileges: string[] | undefined;
  /** The Environment value the SCM merges into the service's environment. */
  environment: Record<string, string>;
  /** The registered Event Log message file, when the name is a registered source. */
  eventLogMessageFile: string | undefined;
  /** Configuration levels this system would not report, with its error code (Wine: ERROR_INVALID_LEVEL). */
  unavailable: Record<string, string>;
}

export interface SystemdServiceDetails {
  unitPath: string;
  activeState: string;
  subState: string;
  result: string;
  unitFileState: string;
  restarts: number | undefined;
}

export interface LaunchdServiceDetails {
  plistPath: string;
  label: string;
}

export interface ServiceInfo extends ServiceSummary {
  platform: ManagerPlatform;
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
  workingDirectory: string | undefined;
  dependencies: string[];
  windows?: WindowsServiceDetails;
  systemd?: SystemdServiceDetails;
  launchd?: LaunchdServiceDetails;
}

export interface InstallResult {
  name: string;
  platform: ManagerPlatform;
  /** The command line the system will run. */
  command: string;
  /** Where the unit or plist was written (systemd, launchd). */
  path: string | undefined;
  started: boolean;
  /** Defaults this system does not support and skipped (Wine: several SCM levels). */
  warnings: string[];
}

export interface WaitOptions {
  /** Wait until the service reaches the state. Default true. */
  wait?: boolean;
  /** Overall limit in ms. Default 60000. */
  timeoutMs?: number;
  /** Called with each status seen while waiting. */
  onProgress?: (progress: { state: ManagedServiceState; checkPoint: number; waitHint: number }) => void;
}

export interface StopOptions extends WaitOptions {
  /** A comment the Windows SCM records with the stop reason. */
  comment?: string;
}

export interface StartOptions extends WaitOptions {
  /** Arguments given to ServiceMain (Windows only). */
  args?: string[];
}

export interface ListFilter {
  /** Keep names that contain this string, or match this expression. */
  match?: string | RegExp;
  /** Only services servicehost installed. Default: true on systemd and launchd, false on Windows. */
  servicehostOnly?: boolean;
}
