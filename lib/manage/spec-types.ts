// What a caller may ask install() and configure() for: InstallSpec, each
// platform's own options, and the value lists their fields take. Types and
// constants only (a leaf): spec.ts checks a spec and completes it.
import type { CommandOverrides } from './commands';

/** When a Windows service starts: with the machine, shortly after it, when asked, never. */
export const WINDOWS_START_TYPES = ['auto', 'delayed-auto', 'manual', 'disabled'] as const;
/** One of {@link WINDOWS_START_TYPES}. */
export type WindowsStartType = (typeof WINDOWS_START_TYPES)[number];
/** The accounts a Windows service can run as without a password; 'virtual' is `NT SERVICE\<name>`. */
export const WINDOWS_BUILT_IN_ACCOUNTS = ['virtual', 'LocalSystem', 'LocalService', 'NetworkService'] as const;
/** One of {@link WINDOWS_BUILT_IN_ACCOUNTS}. */
export type WindowsBuiltInAccount = (typeof WINDOWS_BUILT_IN_ACCOUNTS)[number];
/** In SC_ACTION_TYPE order: the index is the system's number. */
export const WINDOWS_RECOVERY_ACTION_TYPES = ['none', 'restart', 'reboot', 'run'] as const;
/** One of {@link WINDOWS_RECOVERY_ACTION_TYPES}. */
export type WindowsRecoveryActionType = (typeof WINDOWS_RECOVERY_ACTION_TYPES)[number];
/** The service SID types (SERVICE_SID_TYPE_*). */
export const WINDOWS_SID_TYPES = ['none', 'unrestricted', 'restricted'] as const;
/** One of {@link WINDOWS_SID_TYPES}. */
export type WindowsSidType = (typeof WINDOWS_SID_TYPES)[number];

/** What the SCM does when the service fails (SERVICE_FAILURE_ACTIONS). */
export interface WindowsRecovery {
  /** One action per failure: the first, the second, and every later one. */
  actions: Array<{
    /** What the SCM does. */
    type: WindowsRecoveryActionType;
    /** How long it waits first, in ms. */
    delayMs: number;
  }>;
  /** Seconds without a failure after which the count starts again. Default 86400 (a day). */
  resetPeriodSec?: number;
  /** The command line a 'run' action runs. */
  command?: string;
  /** The message broadcast before a 'reboot' action. */
  rebootMessage?: string;
  /** Also act when the service stops with a non-zero exit code, not only when it crashes. Default true. */
  onNonCrashFailures?: boolean;
}

/** Windows-only parts of an {@link InstallSpec}. */
export interface WindowsInstallOptions {
  /** Default 'auto': the service starts with the machine. */
  startType?: WindowsStartType;
  /**
   * Default 'virtual': the virtual account `NT SERVICE\<name>`, the least
   * privilege Windows offers. It can read what the Users group can read; grant
   * it access to a folder under a user profile. A user account is
   * `{ user: 'DOMAIN\\user' | '.\\user', password }`.
   */
  account?:
    | WindowsBuiltInAccount
    | {
        /** `DOMAIN\user`, or `.\user` for a local account. */
        user: string;
        /** The account's password. */
        password?: string;
      };
  /** Services (or `+group`s) that must be running first. */
  dependencies?: string[];
  /** Default: restart after 1 s, 5 s, then 30 s; reset after a day; also on non-zero exits. `false` for none. */
  recovery?: WindowsRecovery | false;
  /** How long the SCM waits for the service at shutdown, in ms. Default: stopTimeoutMs + 5000. */
  preshutdownTimeoutMs?: number;
  /** Default 'unrestricted': the service gets a SID of its own, so files can be granted to it alone. */
  sidType?: WindowsSidType;
  /** Privileges the service keeps (SeChangeNotifyPrivilege...); the rest are removed from its token. */
  requiredPrivileges?: string[];
  /** Register the service's name as an Event Log source (default true). */
  eventLogSource?: boolean;
  /**
   * Capture the program's stdout and stderr (and Node's own fatal errors, and
   * children that inherit them) in output.log in `logDir`. Default true; needs
   * the register preload. `false`: output goes nowhere, as the SCM leaves it.
   */
  logCapture?: boolean;
  /** The folder of output.log and its rotations. Default `%ProgramData%\servicehost\<name>\logs`. Made absolute. */
  logDir?: string;
  /** Rotate output.log before it passes this many bytes. Default 10 MiB (10485760); at least 1024. */
  logMaxSize?: number;
  /** Rotated files kept; older ones are deleted. Default 10. */
  logKeep?: number;
  /** Also rotate at UTC midnight. Default false. */
  logDaily?: boolean;
  /** Prefix each line written through process.stdout/stderr with its ISO time (not native writes or children's). Default false. */
  logTimestamps?: boolean;
  /**
   * End the service's child processes with it, however it ends (default true):
   * servicehost/register puts the service in a job object that kills on close.
   * false leaves children running after the service (docs/windows.md).
   */
  killChildren?: boolean;
}

/** The values of systemd's Restart=. */
export const SYSTEMD_RESTARTS = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'] as const;
/** One of {@link SYSTEMD_RESTARTS}. */
export type SystemdRestart = (typeof SYSTEMD_RESTARTS)[number];
/** The unit's Type=: 'notify', or 'notify-reload' (systemd 253 and later). */
export const SYSTEMD_SERVICE_TYPES = ['notify', 'notify-reload'] as const;

/** systemd-only parts of an {@link InstallSpec}. */
export interface SystemdInstallOptions {
  /** A per-user unit in ~/.config/systemd/user (no root needed). Default false. */
  user?: boolean;
  /** User= and Group= of a system unit. Default: root, as systemd does. */
  runAs?: {
    /** User=. */
    user?: string;
    /** Group=. */
    group?: string;
  };
  /**
   * DynamicUser=yes: systemd runs the service as a user of its own, made for
   * it at start (the least privilege systemd offers; the program's files must
   * be readable by anyone, its state goes to StateDirectory=). Default false.
   */
  dynamicUser?: boolean;
  /** Default 'on-failure'. */
  restart?: SystemdRestart;
  /** Default 1. */
  restartSec?: number;
  /** WatchdogSec=; the service pings from Service's watchdog. Default off. */
  watchdogSec?: number;
  /** Default 'notify'; 'notify-reload' needs systemd 253. */
  type?: (typeof SYSTEMD_SERVICE_TYPES)[number];
  /** Opt-in sandboxing: NoNewPrivileges, ProtectSystem=strict, PrivateTmp and more; `readWritePaths` stay writable. */
  hardening?:
    | boolean
    | {
        /** ReadWritePaths=: what stays writable under ProtectSystem=strict. */
        readWritePaths?: string[];
      };
  /** WantedBy=; default multi-user.target (system) or default.target (user). */
  wantedBy?: string;
  /**
   * Install into an offline root (an image or a chroot): the unit goes under
   * <root>/etc/systemd/system and is enabled with `systemctl --root`; the
   * running system is not touched and nothing is started.
   */
  root?: string;
  /**
   * Listening sockets systemd holds for the service (`--listen`), so a restart
   * refuses no connection: each a port (8080), 'host:port' with an IP
   * ('127.0.0.1:8080', '[::1]:8080') or an absolute socket path, optionally
   * `name=` in front (its FileDescriptorName=; default the port or the path).
   * One socket unit each (<name>.socket, <name>-2.socket, ...); the program
   * takes them with `service.listen(server, 8080)`. Default none.
   */
  listen?: Array<string | number>;
  /** Start the service at the first connection to a `listen` socket, not at install or boot. Default false. */
  onDemand?: boolean;
  /**
   * SocketMode= of each socket path in `listen` (`--listen-mode`): octal, such
   * as '0666' to let every local user connect. Default '0660': the socket's
   * owner (the runAs user, else root; the user of a user unit) and its group.
   */
  listenMode?: string;
  /** SocketGroup= of each socket path in `listen` (`--listen-group`): the group whose members may connect. Default runAs.group, else the owner's group. */
  listenGroup?: string;
}

/** launchd-only parts of an {@link InstallSpec}. */
export interface LaunchdInstallOptions {
  /** A LaunchAgent in ~/Library/LaunchAgents (the user's session) instead of a LaunchDaemon. Default false. */
  user?: boolean;
  /** The job's Label; default the service name. */
  label?: string;
  /** Default `{ successfulExit: false }`: restart after a failure, not after a clean exit. */
  keepAlive?:
    | boolean
    | {
        /** false: restart only after an exit with a non-zero code; true: only after a clean one. */
        successfulExit: boolean;
      };
  /** Default true. */
  runAtLoad?: boolean;
  /** UserName of a daemon. */
  userName?: string;
  /** GroupName of a daemon. */
  groupName?: string;
  /** StandardOutPath. Default `/Library/Logs/servicehost/<name>/output.log` (daemon) or `~/Library/Logs/servicehost/<name>/output.log` (agent). */
  stdoutPath?: string;
  /** StandardErrorPath. Default the same file as StandardOutPath, so stdout and stderr lines keep their order (`servicehost logs` reads StandardOutPath). */
  stderrPath?: string;
  /** Write the plist here instead of /Library/LaunchDaemons or ~/Library/LaunchAgents, and do not load it. */
  directory?: string;
}

/** What {@link install} and {@link configure} make: the program, how it runs, and each platform's own options. */
export interface InstallSpec {
  /** The service's name: the SCM key, the systemd unit (<name>.service), the launchd label. */
  name: string;
  /** The name people see. Default: the name. */
  displayName?: string;
  /** What the service does, as the service manager shows it. Default empty. */
  description?: string;
  /** The program: a .js, .cjs or .mjs file. Made absolute. */
  script: string;
  /** The script's arguments. Default none. */
  args?: string[];
  /** Default: the node running now (process.execPath); in Electron, its binary with ELECTRON_RUN_AS_NODE=1. */
  node?: string;
  /** Arguments for node itself (`--max-old-space-size=512`). Default none. */
  nodeArgs?: string[];
  /** Default: the script's folder. (Windows services otherwise start in System32.) */
  workingDirectory?: string;
  /** Environment variables the service gets. */
  env?: Record<string, string>;
  /**
   * Files of KEY=value lines the service's environment is read from at each
   * start (`--env-file`): systemd's EnvironmentFile=; node's own --env-file on
   * Windows and launchd (Node 20.6 and later). Made absolute; each must not be
   * writable by another user. Default none.
   */
  envFiles?: string[];
  /**
   * systemd credentials, by name: the file each is read from (`--credential NAME:PATH`):
   * LoadCredential= (systemd 250 and later) copies each file where only the
   * service can read it, and `credential(NAME)` reads it there. Refused on
   * Windows and launchd. Default none.
   */
  credentials?: Record<string, string>;
  /** Preload servicehost/register so the SCM connection is made before the program's imports. Default true. */
  register?: boolean;
  /** The program's stop deadline (Service's stopTimeoutMs). The managers give it 5 s more: TimeoutStopSec, launchd's ExitTimeOut and the SCM's preshutdown timeout are each this plus 5 s. Default 30000. */
  stopTimeoutMs?: number;
  /** Start the service once installed. Default true. */
  start?: boolean;
  /** Windows only. */
  windows?: WindowsInstallOptions;
  /** systemd only. */
  systemd?: SystemdInstallOptions;
  /** launchd only. */
  launchd?: LaunchdInstallOptions;
  /** configure: act on a service servicehost did not install (it carries no servicehost marker). Default false. */
  force?: boolean;
  /**
   * Install even though a user other than the service's account or root can
   * change what it runs (the script, its folders, node, servicehost). Default
   * false: such an install is refused, as it would let that user run code
   * with the service's rights.
   */
  allowWritable?: boolean;
  /** Programs to run instead of the standard systemctl / launchctl (tests, unusual installs). */
  commands?: CommandOverrides;
}
