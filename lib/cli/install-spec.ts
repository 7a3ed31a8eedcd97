// `servicehost install|configure` options → an InstallSpec, one function per
// part of the spec. Checks only what the command line alone knows; the spec
// itself is checked by servicehost/manage.
import { WINDOWS_BUILT_IN_ACCOUNTS, type InstallSpec, type LaunchdInstallOptions, type SystemdInstallOptions, type WindowsInstallOptions } from '../manage/spec-types';
import type { CommandOverrides } from '../manage/commands';
import { usage, type ParsedCommand } from './args';
import { parseLogSize } from '../windows/output-capture-files';

type Options = ParsedCommand['options'];

/** `--env KEY=value`, repeated. */
export function environmentOf(list: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of (list as string[] | undefined) ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) usage(`--env expects KEY=value; got ${JSON.stringify(entry)}`);
    // An assignment of '__proto__' sets a prototype: the variable would vanish without a word.
    if (entry.slice(0, at) === '__proto__') usage(`--env: ${JSON.stringify(entry)} has an invalid variable name`);
    result[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return result;
}

function string(options: Options, key: string): string | undefined {
  return typeof options[key] === 'string' ? options[key] : undefined;
}

/** `--credential NAME:path`, repeated: spec.credentials (the name and path are checked by servicehost/manage). */
export function credentialsOf(list: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of (list as string[] | undefined) ?? []) {
    const at = entry.indexOf(':');
    if (at <= 0 || at === entry.length - 1) usage(`--credential expects NAME:path; got ${JSON.stringify(entry)}`);
    const name = entry.slice(0, at);
    if (name === '__proto__' || Object.hasOwn(result, name)) usage(`--credential: ${JSON.stringify(name)} is given twice or is not a credential name`);
    result[name] = entry.slice(at + 1);
  }
  return result;
}

/** Whether --account names a user account, whose password is needed. */
export function namesUserAccount(command: ParsedCommand): boolean {
  const account = string(command.options, 'account');
  return account !== undefined && !(WINDOWS_BUILT_IN_ACCOUNTS as readonly string[]).includes(account);
}

/** `windows.account` from --account (and the password asked for a user account). */
function accountOptionOf(value: string | undefined, password: string | undefined): WindowsInstallOptions['account'] {
  if (value === undefined) return undefined;
  if ((WINDOWS_BUILT_IN_ACCOUNTS as readonly string[]).includes(value)) return value as (typeof WINDOWS_BUILT_IN_ACCOUNTS)[number];
  return password === undefined ? { user: value } : { user: value, password };
}

function windowsOf(options: Options, password: string | undefined): WindowsInstallOptions {
  const startType = string(options, 'start-type');
  const account = accountOptionOf(string(options, 'account'), password);
  return {
    ...(startType === undefined ? {} : { startType: startType as WindowsInstallOptions['startType'] & string }),
    ...(account === undefined ? {} : { account }),
    ...(Array.isArray(options.dependency) ? { dependencies: options.dependency } : {}),
    ...(options.recovery === false ? { recovery: false as const } : {}),
    ...(options['kill-children'] === false ? { killChildren: false } : {}),
    ...logOptionsOf(options),
  };
}

/** --log-*: the output capture's options; --log-max-size as bytes or 10M / 512K. */
function logOptionsOf(options: Options): Partial<WindowsInstallOptions> {
  const size = string(options, 'log-max-size');
  const logMaxSize = size === undefined ? undefined : (parseLogSize(size) ?? usage(`--log-max-size takes bytes or a size such as 10M or 512K; got ${JSON.stringify(size)}`));
  const logDir = string(options, 'log-dir');
  return {
    ...(typeof options['log-capture'] === 'boolean' ? { logCapture: options['log-capture'] } : {}),
    ...(logDir === undefined ? {} : { logDir }),
    ...(logMaxSize === undefined ? {} : { logMaxSize }),
    ...(typeof options['log-keep'] === 'number' ? { logKeep: options['log-keep'] } : {}),
    ...(options['log-daily'] === true ? { logDaily: true } : {}),
    ...(options['log-timestamps'] === true ? { logTimestamps: true } : {}),
  };
}

function systemdOf(options: Options): SystemdInstallOptions {
  const runAs = string(options, 'run-as')?.split(':') ?? [];
  if (runAs.length > 2) usage(`--run-as expects user[:group]; got ${JSON.stringify(string(options, 'run-as'))}`);
  const [user, group] = runAs;
  const root = string(options, 'root');
  const listenMode = string(options, 'listen-mode');
  const listenGroup = string(options, 'listen-group');
  return {
    ...(options.user === true ? { user: true } : {}),
    ...(root === undefined ? {} : { root }),
    ...(user || group ? { runAs: { ...(user ? { user } : {}), ...(group ? { group } : {}) } } : {}),
    ...(typeof options['watchdog-sec'] === 'number' ? { watchdogSec: options['watchdog-sec'] } : {}),
    ...(options.hardening === true ? { hardening: true } : {}),
    ...(options['dynamic-user'] === true ? { dynamicUser: true } : {}),
    ...(Array.isArray(options.listen) ? { listen: options.listen } : {}),
    ...(options['on-demand'] === true ? { onDemand: true } : {}),
    ...(listenMode === undefined ? {} : { listenMode }),
    ...(listenGroup === undefined ? {} : { listenGroup }),
  };
}

/** --systemctl and --launchctl: the programs to run instead of the standard ones. */
export function commandsOf(command: ParsedCommand): CommandOverrides {
  const systemctl = string(command.options, 'systemctl');
  const launchctl = string(command.options, 'launchctl');
  const journalctl = string(command.options, 'journalctl');
  return { ...(systemctl === undefined ? {} : { systemctl }), ...(launchctl === undefined ? {} : { launchctl }), ...(journalctl === undefined ? {} : { journalctl }) };
}

function launchdOf(options: Options): LaunchdInstallOptions {
  return options.user === true ? { user: true } : {};
}

/** The spec; `password` is the user account's, read by the caller (password.ts). */
export function installSpecOf(command: ParsedCommand, password?: string): InstallSpec {
  const { options } = command;
  const [script, ...args] = command.rest;
  const name = string(options, 'name') ?? usage('--name <name> is required');
  if (script === undefined) usage('give the script after --, e.g. `-- server.js --port 8080`');
  const optional = (key: string, as: keyof InstallSpec) => (string(options, key) === undefined ? {} : { [as]: string(options, key) });
  return {
    name,
    script,
    args,
    env: environmentOf(options.env),
    ...(Array.isArray(options['environment-file']) ? { envFiles: options['environment-file'] } : {}),
    ...(Array.isArray(options.credential) ? { credentials: credentialsOf(options.credential) } : {}),
    ...optional('display-name', 'displayName'),
    ...optional('description', 'description'),
    ...optional('node', 'node'),
    ...optional('cwd', 'workingDirectory'),
    ...(Array.isArray(options['node-arg']) ? { nodeArgs: options['node-arg'] } : {}),
    ...(options.register === false ? { register: false } : {}),
    ...(typeof options['stop-timeout'] === 'number' ? { stopTimeoutMs: options['stop-timeout'] } : {}),
    ...(options.start === false ? { start: false } : {}),
    windows: windowsOf(options, password),
    systemd: systemdOf(options),
    launchd: launchdOf(options),
    ...(options.force === true ? { force: true } : {}),
    ...(options['allow-writable'] === true ? { allowWritable: true } : {}),
    commands: commandsOf(command),
  };
}
