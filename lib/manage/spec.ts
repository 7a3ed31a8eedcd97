// What a caller may ask install() for (spec-types.ts), checked and completed
// once, before any platform code runs: every platform module receives a
// ResolvedSpec whose paths are absolute and whose defaults are filled in; and
// what each platform derives from it alike (environment, argv, run paths).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import { expectObject, expectText, optionalBoolean, optionalInteger } from '../validate';
import { STOP_TIMEOUT_VARIABLE } from '../lifecycle/installed-environment';
import { checkCommandOverrides, type CommandOverrides } from './commands';
import { DEFAULT_LOG_KEEP, DEFAULT_LOG_MAX_SIZE, type CaptureSettings } from '../windows/output-capture-files';
import type { NamedListenAddress } from '../lifecycle/listen-address';
import { checkCredentials, envFileNodeArgs, envFilesOf } from './delivered-files';
import { checkNewSystemdUnitName, checkServiceName } from './service-name';
import { checkLaunchd, checkSystemd, checkWindows, optionalString, refuseListen, stringList } from './spec-checks';
import type { InstallSpec, LaunchdInstallOptions, SystemdInstallOptions, WindowsInstallOptions } from './spec-types';

/** A spec as resolveSpec returns it: checked, its paths absolute, its defaults filled in. */
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
