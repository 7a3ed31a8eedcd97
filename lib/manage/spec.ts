// What a caller may ask install() for, checked and completed once, before any
// platform code runs: every platform module receives a ResolvedSpec whose
// paths are absolute and whose defaults are filled in.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import { expectInteger, expectObject, expectOneOf, expectText, optionalBoolean, optionalInteger } from '../validate';
import { STOP_TIMEOUT_VARIABLE } from '../lifecycle/installed-environment';
import { checkCommandOverrides, type CommandOverrides } from './commands';
import { MAX_DWORD } from '../windows/codes';
import { DEFAULT_LOG_KEEP, DEFAULT_LOG_MAX_SIZE, MAX_LOG_KEEP, MIN_LOG_MAX_SIZE, type CaptureSettings } from '../windows/output-capture-files';
import { ServiceManagerError } from './errors';
import { checkListen, checkSocketAccess } from './systemd/socket-names';
import type { NamedListenAddress } from '../lifecycle/listen-address';
import { checkCredentials, envFileNodeArgs, envFilesOf } from './delivered-files';

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

export interface ResolvedSpec {
  name: string;
  displayName: string;
  description: string;
  script: string;
  args: string[];
  node: string;
  nodeArgs: string[];
  workingDirectory: string;
  env: Record<string, string>;
  /** Absolute paths of env files (systemd: EnvironmentFile=; elsewhere already in nodeArgs as --env-file=). */
  envFiles: string[];
  /** systemd credentials by name, absolute paths. */
  credentials: Record<string, string>;
  /** The absolute path of servicehost/register, or undefined when not preloaded. */
  registerModule: string | undefined;
  stopTimeoutMs: number;
  start: boolean;
  windows: WindowsInstallOptions;
  systemd: SystemdInstallOptions;
  /** systemd.listen, read once: each socket's address and FileDescriptorName=. */
  listen: NamedListenAddress[];
  launchd: LaunchdInstallOptions;
  force: boolean;
  allowWritable: boolean;
  commands: CommandOverrides;
  /** `node` is the Electron binary this install runs from (install() called in an Electron main process). */
  electron: boolean;
}

/** The Windows SCM's limit for a service name. */
export const MAX_SERVICE_NAME_LENGTH = 256;

/**
 * Checks a service name: non-empty, at most 256 characters, no '/' or '\' and
 * no control characters. systemd and launchd also need it to be a valid unit
 * or label: letters, digits and `_ . : -` only.
 */
export function checkServiceName(name: unknown, platform: 'windows' | 'systemd' | 'launchd'): string {
  if (typeof name !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `The service name must be a string; got ${name === null ? 'null' : typeof name}`);
  }
  const fail = (why: string): never => {
    throw new ServiceManagerError('ERR_SERVICEHOST_INVALID_SERVICE_NAME', name, `Invalid service name ${JSON.stringify(name)}: ${why}`);
  };
  if (name === '') fail('it is empty');
  if (name.length > MAX_SERVICE_NAME_LENGTH) fail(`it is ${name.length} characters long; the limit is ${MAX_SERVICE_NAME_LENGTH}`);
  if (/[/\\]/u.test(name)) fail("it contains '/' or '\\'");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(name)) fail('it contains a control character');
  if (platform !== 'windows' && !/^[A-Za-z0-9_.:-]+$/u.test(name)) {
    fail(`a ${platform === 'systemd' ? 'systemd unit' : 'launchd label'} may hold only letters, digits and _ . : -`);
  }
  if (platform !== 'windows' && name.startsWith('.')) fail('it starts with a dot');
  // systemctl and launchctl would read it as an option (-Hevil.service is -H evil.service: an SSH host).
  if (platform !== 'windows' && name.startsWith('-')) fail('it starts with a dash, which systemctl and launchctl would read as an option');
  return name;
}

/**
 * What a new systemd unit's name must also be: its RuntimeDirectory=
 * (servicehost-<name>, the reload handshake's folder) reads ':' as the start
 * of a symlink target, so "web:x" would share "web"'s folder; and that folder
 * name must fit in 255 bytes. Checked where a unit is written, so that units
 * installed before can still be stopped and removed.
 */
export function checkNewSystemdUnitName(name: string): void {
  const fail = (why: string): never => {
    throw new ServiceManagerError('ERR_SERVICEHOST_INVALID_SERVICE_NAME', name, `Invalid service name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.includes(':')) fail(`a systemd service name may not hold ':': RuntimeDirectory=servicehost-${name} would be read as the folder servicehost-${name.split(':')[0]} and a link`);
  if (name.length > MAX_SYSTEMD_NAME_LENGTH) fail(`it is ${name.length} characters long; a systemd service's limit is ${MAX_SYSTEMD_NAME_LENGTH} (its folder servicehost-<name> must fit in 255)`);
}

/** 255 (a file name) less 'servicehost-', the runtime folder's prefix. */
export const MAX_SYSTEMD_NAME_LENGTH = 243;

/**
 * --listen and --on-demand are systemd's: launchd and the Windows SCM hold no
 * socket across a restart, so they are refused there rather than ignored.
 */
function refuseListen(systemd: unknown, name: string, platform: 'windows' | 'launchd'): void {
  const options = (typeof systemd === 'object' && systemd !== null ? systemd : {}) as SystemdInstallOptions;
  if (!options.listen?.length && !options.onDemand && options.listenMode === undefined && options.listenGroup === undefined) return;
  const manager = platform === 'windows' ? 'the Windows SCM' : 'launchd';
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM',
    name,
    `--listen and --on-demand (systemd.listen, systemd.onDemand) need systemd, which holds the listening socket across a restart; ${manager} does not. Leave them out: service.listen(server, port) binds the port itself here`,
  );
}

function stringList(where: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of strings`);
  return value.map((item, index) => expectText(`${where}[${index}]`, item));
}

function optionalString(where: string, value: unknown): string | undefined {
  return value === undefined ? undefined : expectText(where, value);
}

function environment(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const object = expectObject('install(spec): spec.env', value);
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) {
    // '__proto__' would be dropped on the way (an assignment sets a prototype), not installed.
    if (key === '' || key.includes('=') || key.includes('\0') || key === '__proto__') {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', `install(spec): spec.env has an invalid variable name ${JSON.stringify(key)}`);
    }
    // systemd sets it from RuntimeDirectory=, and Environment= would override it: the reload handshake must not be pointed elsewhere.
    if (key === 'RUNTIME_DIRECTORY') throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'install(spec): spec.env may not set RUNTIME_DIRECTORY: systemd sets it to the unit\'s own runtime folder');
    result[key] = expectText(`install(spec): spec.env.${key}`, entry);
  }
  return result;
}

/**
 * The preload the service starts with: the app's own servicehost/register
 * when the script's folder resolves one (so the copy that connects to the SCM
 * is the copy the app's Service uses, even when a global CLI installs it),
 * else this copy's.
 */
export function resolveRegisterModule(script: string): string {
  try {
    // As the script itself would resolve it (require.resolve with `paths` would find this copy first, by self-reference).
    return createRequire(script).resolve('servicehost/register');
  } catch {
    // dist/manage/spec.js → dist/register.js, the file `servicehost/register` names.
    return path.resolve(__dirname, '..', 'register.js');
  }
}

function checkWindows(value: unknown, withoutRegister = false): WindowsInstallOptions {
  if (value === undefined) return {};
  const where = 'install(spec): spec.windows';
  const options = expectObject(where, value) as WindowsInstallOptions & Record<string, unknown>;
  if (options.startType !== undefined) expectOneOf(`${where}.startType`, options.startType, WINDOWS_START_TYPES);
  if (options.account !== undefined && typeof options.account !== 'object') {
    expectOneOf(`${where}.account`, options.account, WINDOWS_BUILT_IN_ACCOUNTS);
  } else if (options.account !== undefined) {
    const account = expectObject(`${where}.account`, options.account);
    expectText(`${where}.account.user`, account.user, { nonEmpty: true });
    optionalString(`${where}.account.password`, account.password);
  }
  stringList(`${where}.dependencies`, options.dependencies);
  if (options.recovery !== undefined && options.recovery !== false) {
    const recovery = expectObject(`${where}.recovery`, options.recovery);
    if (!Array.isArray(recovery.actions)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.recovery.actions must be an array`);
    recovery.actions.forEach((action: unknown, index: number) => {
      const item = expectObject(`${where}.recovery.actions[${index}]`, action);
      expectOneOf(`${where}.recovery.actions[${index}].type`, item.type, WINDOWS_RECOVERY_ACTION_TYPES);
      expectInteger(`${where}.recovery.actions[${index}].delayMs`, item.delayMs, 0, MAX_DWORD);
    });
    optionalInteger(`${where}.recovery.resetPeriodSec`, recovery.resetPeriodSec, 0, 0xfffffffe);
    optionalString(`${where}.recovery.command`, recovery.command);
    optionalString(`${where}.recovery.rebootMessage`, recovery.rebootMessage);
    optionalBoolean(`${where}.recovery.onNonCrashFailures`, recovery.onNonCrashFailures);
  }
  optionalInteger(`${where}.preshutdownTimeoutMs`, options.preshutdownTimeoutMs, 0, MAX_DWORD);
  if (options.sidType !== undefined) expectOneOf(`${where}.sidType`, options.sidType, WINDOWS_SID_TYPES);
  stringList(`${where}.requiredPrivileges`, options.requiredPrivileges);
  optionalBoolean(`${where}.eventLogSource`, options.eventLogSource);
  optionalBoolean(`${where}.killChildren`, options.killChildren);
  checkLogOptions(where, options, withoutRegister);
  return options;
}

function checkLogOptions(where: string, options: WindowsInstallOptions, withoutRegister: boolean): void {
  const capture = optionalBoolean(`${where}.logCapture`, options.logCapture);
  if (capture === true && withoutRegister) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.logCapture needs the register preload, which spec.register: false leaves out`);
  if (options.logDir !== undefined) expectText(`${where}.logDir`, options.logDir, { nonEmpty: true });
  optionalInteger(`${where}.logMaxSize`, options.logMaxSize, MIN_LOG_MAX_SIZE, Number.MAX_SAFE_INTEGER);
  optionalInteger(`${where}.logKeep`, options.logKeep, 0, MAX_LOG_KEEP);
  optionalBoolean(`${where}.logDaily`, options.logDaily);
  optionalBoolean(`${where}.logTimestamps`, options.logTimestamps);
  const given = (['logDir', 'logMaxSize', 'logKeep', 'logDaily', 'logTimestamps'] as const).filter((key) => options[key] !== undefined);
  if (capture === false && given.length > 0) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.${given[0]} has no effect with logCapture: false`);
  }
}

/**
 * The output capture the service gets, or undefined: off when asked, and
 * without the register preload, which does the capturing.
 */
export function logCaptureOf(spec: ResolvedSpec, defaultDir: string): CaptureSettings | undefined {
  const options = spec.windows;
  if (options.logCapture === false || spec.registerModule === undefined) return undefined;
  return {
    dir: options.logDir === undefined ? defaultDir : path.resolve(options.logDir),
    maxSize: options.logMaxSize ?? DEFAULT_LOG_MAX_SIZE,
    keep: options.logKeep ?? DEFAULT_LOG_KEEP,
    daily: options.logDaily ?? false,
    timestamps: options.logTimestamps ?? false,
  };
}

function checkSystemd(value: unknown): { options: SystemdInstallOptions; listen: NamedListenAddress[] } {
  if (value === undefined) return { options: {}, listen: [] };
  const where = 'install(spec): spec.systemd';
  const options = expectObject(where, value) as SystemdInstallOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, options.user);
  optionalBoolean(`${where}.dynamicUser`, options.dynamicUser);
  if (options.runAs !== undefined) {
    const runAs = expectObject(`${where}.runAs`, options.runAs);
    optionalString(`${where}.runAs.user`, runAs.user);
    optionalString(`${where}.runAs.group`, runAs.group);
  }
  if (options.restart !== undefined) {
    expectOneOf(`${where}.restart`, options.restart, SYSTEMD_RESTARTS);
  }
  optionalInteger(`${where}.restartSec`, options.restartSec, 0, 86_400);
  optionalInteger(`${where}.watchdogSec`, options.watchdogSec, 1, 86_400);
  if (options.type !== undefined) expectOneOf(`${where}.type`, options.type, SYSTEMD_SERVICE_TYPES);
  if (options.hardening !== undefined && typeof options.hardening !== 'boolean') {
    stringList(`${where}.hardening.readWritePaths`, expectObject(`${where}.hardening`, options.hardening).readWritePaths);
  }
  optionalString(`${where}.wantedBy`, options.wantedBy);
  optionalString(`${where}.root`, options.root);
  const listen = checkListen(`${where}.listen`, options.listen);
  checkSocketAccess(where, options, listen);
  if (optionalBoolean(`${where}.onDemand`, options.onDemand) && listen.length === 0) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.onDemand needs a socket to start on: give systemd.listen (--listen) too`);
  return { options, listen };
}

function checkLaunchd(value: unknown): LaunchdInstallOptions {
  if (value === undefined) return {};
  const where = 'install(spec): spec.launchd';
  const options = expectObject(where, value) as LaunchdInstallOptions & Record<string, unknown>;
  optionalBoolean(`${where}.user`, options.user);
  if (options.label !== undefined) checkServiceName(options.label, 'launchd');
  if (options.keepAlive !== undefined && typeof options.keepAlive !== 'boolean') {
    optionalBoolean(`${where}.keepAlive.successfulExit`, expectObject(`${where}.keepAlive`, options.keepAlive).successfulExit);
  }
  optionalBoolean(`${where}.runAtLoad`, options.runAtLoad);
  for (const key of ['userName', 'groupName', 'stdoutPath', 'stderrPath', 'directory'] as const) optionalString(`${where}.${key}`, options[key]);
  return options;
}

/** Checks `spec` and fills in every default. Throws a typed error naming the first bad field. */
export function resolveSpec(spec: unknown, platform: 'windows' | 'systemd' | 'launchd'): ResolvedSpec {
  const object = expectObject('install(spec)', spec) as InstallSpec & Record<string, unknown>;
  const name = checkServiceName(object.name, platform);
  if (platform === 'systemd') checkNewSystemdUnitName(name);
  else refuseListen(object.systemd, name, platform);
  const script = path.resolve(expectText('install(spec): spec.script', object.script, { nonEmpty: true }));
  const workingDirectory = object.workingDirectory === undefined
    ? path.dirname(script)
    : path.resolve(expectText('install(spec): spec.workingDirectory', object.workingDirectory, { nonEmpty: true }));
  const node = object.node === undefined ? process.execPath : path.resolve(expectText('install(spec): spec.node', object.node, { nonEmpty: true }));
  const stopTimeoutMs = optionalInteger('install(spec): spec.stopTimeoutMs', object.stopTimeoutMs, 1, 24 * 3600 * 1000) ?? 30_000;
  const envFiles = envFilesOf(object.envFiles);
  const nodeArgs = stringList('install(spec): spec.nodeArgs', object.nodeArgs);
  const windows = checkWindows(object.windows, object.register === false);
  const systemd = checkSystemd(object.systemd);
  return {
    name,
    displayName: optionalString('install(spec): spec.displayName', object.displayName) ?? name,
    description: optionalString('install(spec): spec.description', object.description) ?? '',
    script,
    args: stringList('install(spec): spec.args', object.args),
    node,
    // Off systemd, node reads the env files itself: --env-file comes before the program's own node arguments.
    // (The service's node is asked whether it reads them, 20.6+, by the platform's install: checkEnvFileNode.)
    nodeArgs: platform === 'systemd' ? nodeArgs : [...envFileNodeArgs(envFiles), ...nodeArgs],
    workingDirectory,
    env: environment(object.env),
    envFiles,
    credentials: checkCredentials(object.credentials, platform),
    registerModule: optionalBoolean('install(spec): spec.register', object.register) === false ? undefined : resolveRegisterModule(script),
    stopTimeoutMs,
    start: optionalBoolean('install(spec): spec.start', object.start) ?? true,
    windows,
    systemd: systemd.options,
    listen: systemd.listen,
    launchd: checkLaunchd(object.launchd),
    force: optionalBoolean('install(spec): spec.force', object.force) ?? false,
    allowWritable: optionalBoolean('install(spec): spec.allowWritable', object.allowWritable) ?? false,
    commands: checkCommandOverrides('install(spec): spec.commands', object.commands),
    electron: object.node === undefined && process.versions.electron !== undefined,
  };
}


/** The service's environment as installed: the caller's variables, then servicehost's own. */
export function serviceEnvironment(spec: ResolvedSpec): Record<string, string> {
  return {
    ...spec.env,
    // Electron's own binary runs the script as Node only when told to; otherwise the service would start the GUI app.
    ...(spec.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    [STOP_TIMEOUT_VARIABLE]: String(spec.stopTimeoutMs),
  };
}

/** The files the service runs, starts in and reads its environment and credentials from: what no other user may be able to change. */
export function runPaths(spec: ResolvedSpec): string[] {
  return [spec.node, spec.script, ...(spec.registerModule === undefined ? [] : [spec.registerModule]), spec.workingDirectory, ...spec.envFiles, ...Object.values(spec.credentials)];
}

/** The program's argv after node: [nodeArgs..., --require register, script, args...]. */
export function programArguments(spec: ResolvedSpec): string[] {
  const preload = spec.registerModule === undefined ? [] : ['--require', spec.registerModule];
  return [...spec.nodeArgs, ...preload, spec.script, ...spec.args];
}
