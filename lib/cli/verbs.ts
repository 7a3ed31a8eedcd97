// The command's verbs: each with its help, its options and what it does.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LOG_DIR_VARIABLE } from '../lifecycle/installed-environment';
import { pathToFileURL } from 'node:url';
import { ServicehostError } from '../errors';
import * as manage from '../manage/index';
import { runCommandElevated } from '../manage/elevate-cli';
import { handleElevatedRequest } from '../manage/elevate-child';
import { ELEVATED_MARKER } from '../manage/elevate-protocol';
import { managerPlatform } from '../manage/manager';
import type { ManagedServiceState, WaitOptions } from '../manage/types';
import type { OptionSpec, ParsedCommand } from './args';
import { COMMAND_EXIT } from './command-exit-codes';
import { commandsOf, environmentOf, installSpecOf, namesUserAccount } from './install-spec';
import { promptPassword, readPasswordFromStdin, takePasswordFromEnvironment } from './password';
import { describeOutput, describeService, noOutputYet, print, type Output, type ServiceOutput } from './output';
import { scriptLoadFailure } from './script-error';
import { terminalSafe } from './terminal-safe';
import { hostOption, hostsOf, hostsOptions, listOnHosts, singleHostOf, statusOnHosts } from './hosts-view';

export interface Verb {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Resolves with the exit code; undefined: the process goes on (`run`). */
  run(command: ParsedCommand, output: Output): Promise<number | undefined>;
}

const common: Record<string, OptionSpec> = {
  json: { kind: 'boolean', description: 'print one JSON document on stdout instead of text' },
};
const scope: Record<string, OptionSpec> = {
  user: { kind: 'boolean', description: 'systemd: the user manager (--user); launchd: a LaunchAgent' },
  root: { kind: 'string', value: 'dir', description: 'systemd: an offline root (an image or chroot), via systemctl --root' },
  systemctl: { kind: 'string', value: 'path', description: 'the systemctl to run (default /usr/bin/systemctl; tests)' },
  launchctl: { kind: 'string', value: 'path', description: 'the launchctl to run (default /bin/launchctl; tests)' },
  journalctl: { kind: 'string', value: 'path', description: 'the journalctl to run (default /usr/bin/journalctl; tests)' },
  ...hostOption,
};
const force: Record<string, OptionSpec> = {
  force: { kind: 'boolean', description: 'act on a service servicehost did not install' },
};
const waiting: Record<string, OptionSpec> = {
  wait: { kind: 'boolean', description: 'wait for the state (default; --no-wait returns at once)' },
  timeout: { kind: 'integer', value: 'ms', description: 'give up waiting after this long (default 60000)' },
};
const installOptions: Record<string, OptionSpec> = {
  ...common,
  ...scope,
  name: { kind: 'string', value: 'name', description: 'the service name (required)' },
  'display-name': { kind: 'string', value: 'text', description: 'the name people see (Windows)' },
  description: { kind: 'string', value: 'text', description: 'one line about the service' },
  node: { kind: 'string', value: 'path', description: 'the node executable (default: this one)' },
  'node-arg': { kind: 'list', value: 'arg', description: 'an argument for node itself; repeat for more' },
  cwd: { kind: 'string', value: 'dir', description: "working directory (default: the script's folder)" },
  env: { kind: 'list', value: 'KEY=value', description: 'an environment variable; repeat for more' },
  // Not --env-file: Node itself would read that argument in this process (node-reads.ts).
  'environment-file': { kind: 'list', value: 'path', description: "a file of KEY=value lines read at each start (systemd EnvironmentFile=; node's own env file option on Windows and launchd, Node 20.6+); repeat for more" },
  credential: { kind: 'list', value: 'NAME:path', description: 'systemd: LoadCredential= (systemd 250+): the service reads the file with credential(NAME); repeat for more' },
  register: { kind: 'boolean', description: "preload servicehost/register (default, the app's own copy when it has one; --no-register to leave it out)" },
  'stop-timeout': { kind: 'integer', value: 'ms', description: 'the whole stop\'s deadline, for the program and the manager alike (default 30000)' },
  'start-type': { kind: 'string', value: 'type', description: 'Windows: auto (default), delayed-auto, manual or disabled' },
  account: { kind: 'string', value: 'account', description: 'Windows: virtual (default, NT SERVICE\\<name>), LocalService, NetworkService, LocalSystem, or DOMAIN\\user (its password: --password-stdin, SERVICEHOST_ACCOUNT_PASSWORD, or asked on the terminal)' },
  'password-stdin': { kind: 'boolean', description: "Windows: read the --account user's password from stdin" },
  dependency: { kind: 'list', value: 'service', description: 'Windows: a service that must run first; repeat for more' },
  recovery: { kind: 'boolean', description: 'Windows: restart after a failure (default; --no-recovery for none)' },
  'kill-children': { kind: 'boolean', description: "Windows: end the service's child processes with it (default; --no-kill-children leaves them running)" },
  'log-capture': { kind: 'boolean', description: "Windows: capture stdout and stderr in <log dir>\\output.log (default; --no-log-capture for none)" },
  'log-dir': { kind: 'string', value: 'dir', description: 'Windows: the folder of the captured output (default %ProgramData%\\servicehost\\<name>\\logs)' },
  'log-max-size': { kind: 'string', value: 'size', description: 'Windows: rotate output.log before it passes this size: bytes, or 10M, 512K (default 10M)' },
  'log-keep': { kind: 'integer', value: 'n', description: 'Windows: rotated files to keep (default 10)' },
  'log-daily': { kind: 'boolean', description: 'Windows: also rotate at midnight UTC' },
  'log-timestamps': { kind: 'boolean', description: 'Windows: prefix lines written through process.stdout/stderr with their ISO time' },
  'run-as': { kind: 'string', value: 'user[:group]', description: 'systemd: User= and Group=' },
  'watchdog-sec': { kind: 'integer', value: 's', description: 'systemd: WatchdogSec=' },
  hardening: { kind: 'boolean', description: 'systemd: sandbox the service (ProtectSystem=strict and more)' },
  'dynamic-user': { kind: 'boolean', description: 'systemd: DynamicUser=yes, a user of its own made at each start (least privilege)' },
  listen: { kind: 'list', value: '[name=]port|host:port|/path.sock', description: 'systemd: a socket unit holds this listening socket across restarts (service.listen takes it); repeat for more' },
  'on-demand': { kind: 'boolean', description: 'systemd, with --listen: start the service at the first connection, not now or at boot' },
  'listen-mode': { kind: 'string', value: 'mode', description: "systemd, with --listen /path.sock: the socket file's mode (SocketMode=; default 0660, its owner and group only); 0666 lets every local user connect" },
  'listen-group': { kind: 'string', value: 'group', description: 'systemd, with --listen /path.sock: the group whose members may connect (SocketGroup=; default the --run-as group, else the owner\'s)' },
  'allow-writable': { kind: 'boolean', description: 'install even though another user can change what the service runs' },
};

function requireName(command: ParsedCommand): string {
  const name = command.positional[0];
  if (name === undefined) throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'which service? Give its name.');
  return name;
}

/** The manage API's ScopeOptions from --user, --root, --force and the command overrides. */
function scopeOptionsOf(command: ParsedCommand): manage.ScopeOptions {
  const commands = commandsOf(command);
  return {
    ...(command.options.user === true ? { user: true } : {}),
    ...(typeof command.options.root === 'string' ? { root: command.options.root } : {}),
    ...(command.options.force === true ? { force: true } : {}),
    ...(Object.keys(commands).length > 0 ? { commands } : {}),
    ...singleHostOf(command),
  };
}

/** The scope without --host, for list and status over several hosts (lib/cli/hosts-view.ts adds each host). */
function hostlessScopeOf(command: ParsedCommand): manage.ScopeOptions {
  const { host: _hosts, ...options } = command.options;
  return scopeOptionsOf({ ...command, options });
}

/** Windows: the folder of the service's captured output, which uninstall leaves. */
async function keptLogFolder(name: string, command: ParsedCommand): Promise<string | undefined> {
  // On another machine (--host) the folder is that machine's: it cannot be seen from here.
  if (process.platform !== 'win32' || command.options.host !== undefined) return undefined;
  const info = await manage.query(name, scopeOptionsOf(command)).catch(() => undefined);
  const folder = info?.windows?.environment[LOG_DIR_VARIABLE];
  return folder !== undefined && existsSync(folder) ? folder : undefined;
}

const PENDING: readonly ManagedServiceState[] = ['starting', 'stopping', 'pausing', 'continuing'];

function waitOptionsOf(command: ParsedCommand, name: string, output: Output): WaitOptions {
  let last = '';
  return {
    ...(command.options.wait === false ? { wait: false } : {}),
    ...(typeof command.options.timeout === 'number' ? { timeoutMs: command.options.timeout } : {}),
    // Pending states only: the settled one is the command's own last line.
    onProgress: ({ state, checkPoint, waitHint }) => {
      if (!PENDING.includes(state)) return;
      const line = `${name}: ${state}${waitHint > 0 ? ` (checkpoint ${checkPoint}, wait hint ${waitHint} ms)` : ''}`;
      if (line !== last && !output.json) output.err(line);
      last = line;
    },
  };
}

async function accountPassword(command: ParsedCommand): Promise<string | undefined> {
  const fromEnvironment = takePasswordFromEnvironment();
  // Only the SCM takes an account's password: elsewhere nobody is asked for one (a refusal follows first).
  if (!namesUserAccount(command) || managerPlatform() !== 'windows') return undefined;
  if (command.options['password-stdin'] === true) return readPasswordFromStdin();
  return fromEnvironment ?? (await promptPassword(`Password for ${String(command.options.account)}: `));
}

async function installOrConfigure(command: ParsedCommand, output: Output, done: 'Installed' | 'Configured'): Promise<number> {
  // A manager that cannot write on that host refuses there (systemd's, before the spec is read).
  const host = singleHostOf(command);
  const spec = installSpecOf(command, await accountPassword(command));
  const result = done === 'Installed' ? await manage.install(spec, host) : await manage.configure(spec, host);
  if (!output.json) for (const warning of result.warnings) output.err(terminalSafe(`warning: ${warning}`, true));
  const granted = (result.grantedRights ?? []).map(({ account, right }) => `\n  Granted ${account} the right to log on as a service (${right}); uninstall revokes it.`).join('');
  print(output, result, `${done} ${result.name}${result.started ? ' and started it' : ''}.${result.path ? `\n  ${result.path}` : ''}\n  ${result.command}${granted}`);
  return COMMAND_EXIT.ok;
}

const elevation: Record<string, OptionSpec> = {
  elevate: { kind: 'boolean', description: 'Windows: run the command elevated (a UAC prompt), for a desktop app that runs unelevated; output and exit code come back unchanged' },
};

/** The verb, with --elevate: the same command line runs in an elevated servicehost. */
function elevatable(verb: Verb): Verb {
  return {
    ...verb,
    options: { ...verb.options, ...elevation },
    run: async (command, output) => (command.options.elevate === true ? runCommandElevated(command, output, await accountPassword(command)) : verb.run(command, output)),
  };
}

function control(verb: 'start' | 'stop' | 'restart', summary: string): Verb {
  return {
    summary,
    usage: `servicehost ${verb} <name> [options]`,
    options: { ...common, ...scope, ...waiting },
    async run(command, output) {
      const name = requireName(command);
      await manage[verb](name, { ...scopeOptionsOf(command), ...waitOptionsOf(command, name, output) });
      const info = await manage.query(name, scopeOptionsOf(command));
      print(output, info, `${name}: ${info.state}${info.pid === undefined ? '' : ` (pid ${info.pid})`}`);
      return COMMAND_EXIT.ok;
    },
  };
}

/** The last lines of a service's output for `status`; a log that cannot be read says why instead of failing the status. */
async function lastOutput(name: string, command: ParsedCommand, lines: number): Promise<ServiceOutput> {
  try {
    const log = await manage.logs(name, { ...scopeOptionsOf(command), lines });
    const read: string[] = [];
    for await (const line of log) read.push(line);
    return { source: log.source, lines: read, notices: log.notices };
  } catch (error) {
    return { source: '', lines: [], error: (error as Error).message };
  }
}

async function showLogs(command: ParsedCommand, output: Output): Promise<number> {
  const name = requireName(command);
  const follow = command.options.follow === true;
  const lines = typeof command.options.lines === 'number' ? command.options.lines : follow ? 10 : undefined;
  const since = typeof command.options.since === 'string' ? command.options.since : undefined;
  const controller = new AbortController();
  // Ctrl-C (or a stop) ends a follow as its normal end: exit 0, files closed, journalctl ended.
  const stop = (): void => controller.abort();
  if (follow) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
  try {
    const log = await manage.logs(name, { ...scopeOptionsOf(command), ...(lines === undefined ? {} : { lines }), ...(since === undefined ? {} : { since }), follow, signal: controller.signal });
    let count = 0;
    if (output.json && !follow) {
      const read: string[] = [];
      for await (const line of log) read.push(line);
      count = read.length;
      print(output, { name, source: log.source, lines: read }, '');
    } else {
      // --follow --json: one JSON string per line (JSON Lines), as each arrives.
      for await (const line of log) {
        output.out(output.json ? JSON.stringify(line) : terminalSafe(line));
        count += 1;
      }
    }
    if (!output.json) {
      for (const notice of log.notices) output.err(terminalSafe(`note: ${notice}`, true));
      if (count === 0 && !follow) output.err(noOutputYet(name, log.source));
    }
    return COMMAND_EXIT.ok;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeListener(signal, stop);
  }
}

/** run --cwd: a folder that cannot be entered is a bad option (exit 2), named with the reason. */
function enterFolder(folder: string): void {
  try {
    process.chdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `--cwd ${JSON.stringify(folder)}: cannot work there (${why})`);
  }
}

async function runScript(command: ParsedCommand, output: Output): Promise<number | undefined> {
  const [script, ...args] = command.rest;
  if (script === undefined) throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'give the script after --, e.g. `-- server.js`');
  Object.assign(process.env, environmentOf(command.options.env));
  if (typeof command.options.cwd === 'string') enterFolder(command.options.cwd);
  const absolute = path.resolve(script);
  // The program runs in this process, as it would under the service manager:
  // its own Service sees the terminal's signals (Ctrl-C) as the stop.
  process.argv = [process.argv[0]!, absolute, ...args];
  try {
    await import(pathToFileURL(absolute).href);
  } catch (error) {
    // The script's own error, not the command's: shown as node shows it (file:line, stack), exit 1 as node's.
    output.err(terminalSafe(`servicehost run: ${scriptLoadFailure(script, error)}`, true));
    return COMMAND_EXIT.failed;
  }
  return undefined;
}

export const VERBS: Record<string, Verb> = {
  install: elevatable({
    summary: 'install a Node program as a service, and start it',
    usage: 'servicehost install --name <name> [options] -- <script> [args...]',
    options: { ...installOptions, start: { kind: 'boolean', description: 'start it once installed (default; --no-start to leave it stopped)' } },
    run: (command, output) => installOrConfigure(command, output, 'Installed'),
  }),
  configure: elevatable({
    summary: 'change an installed service to match these options (restart it to apply a new command line)',
    usage: 'servicehost configure --name <name> [install options] -- <script> [args...]',
    options: { ...installOptions, ...force },
    run: (command, output) => installOrConfigure(command, output, 'Configured'),
  }),
  uninstall: elevatable({
    summary: 'stop and remove a service',
    usage: 'servicehost uninstall <name> [options]',
    options: { ...common, ...scope, ...waiting, ...force, 'remove-logs': { kind: 'boolean', description: "Windows: also delete the service's captured output (kept by default)" } },
    async run(command, output) {
      const name = requireName(command);
      const removeLogs = command.options['remove-logs'] === true;
      const kept = removeLogs ? undefined : await keptLogFolder(name, command);
      await manage.uninstall(name, { ...scopeOptionsOf(command), ...(removeLogs ? { removeLogs } : {}), ...waitOptionsOf(command, name, output) });
      print(output, { name, removed: true, ...(kept === undefined ? {} : { logsKept: kept }) }, `Removed ${name}.${kept === undefined ? '' : `\n  Its output stays in ${kept} (--remove-logs deletes it).`}`);
      return COMMAND_EXIT.ok;
    },
  }),
  start: elevatable(control('start', 'start a service and wait until it runs')),
  stop: elevatable(control('stop', 'stop a service and wait until it has stopped')),
  restart: control('restart', 'stop, then start a service'),
  status: {
    summary: 'state, process, exit code and configuration of a service, and its last lines of output',
    usage: 'servicehost status <name> [options]',
    options: {
      ...common,
      ...scope,
      lines: { kind: 'integer', value: 'n', description: 'how many of its last lines of output to show (default 10)' },
      output: { kind: 'boolean', description: 'show its last lines of output (default; --no-output leaves them out)' },
      ...hostsOptions,
    },
    async run(command, output) {
      const name = requireName(command);
      // --host: one row per host, with no output lines (servicehost logs <name> --host h reads them).
      const hosts = hostsOf(command);
      if (hosts.length > 0) return statusOnHosts(command, output, hosts, name, hostlessScopeOf(command));
      const info = await manage.query(name, scopeOptionsOf(command));
      const tail = command.options.output === false ? undefined : await lastOutput(name, command, typeof command.options.lines === 'number' ? command.options.lines : 10);
      print(output, tail === undefined ? info : { ...info, output: tail.lines }, tail === undefined ? describeService(info) : `${describeService(info)}\n\n${describeOutput(name, tail)}`);
      return info.state === 'running' ? COMMAND_EXIT.ok : COMMAND_EXIT.notRunning;
    },
  },
  logs: {
    summary: "a service's output: its captured files (Windows), the journal (systemd), its output file (launchd)",
    usage: 'servicehost logs <name> [--follow] [--lines <n>] [--since <time>] [options]',
    options: {
      ...common,
      ...scope,
      follow: { kind: 'boolean', description: 'go on printing new lines as they are written, until Ctrl-C' },
      lines: { kind: 'integer', value: 'n', description: 'only the last n lines (default: all; 10 with --follow)' },
      since: { kind: 'string', value: 'time', description: 'only lines from this time on: 2026-12-05, "2026-12-05 14:30", @<epoch s>, today, yesterday, 10m, 2h, "1 day ago"' },
    },
    run: showLogs,
  },
  list: {
    summary: "list services (servicehost's own on systemd and launchd)",
    usage: 'servicehost list [match] [options]',
    options: { ...common, ...scope, all: { kind: 'boolean', description: "every service, not only servicehost's (Windows lists all by default)" }, ...hostsOptions },
    async run(command, output) {
      const match = command.positional[0];
      const filter = { ...(match === undefined ? {} : { match }), ...(command.options.all === true ? { servicehostOnly: false } : {}) };
      const hosts = hostsOf(command);
      if (hosts.length > 0) return listOnHosts(command, output, hosts, { ...hostlessScopeOf(command), ...filter });
      const services = await manage.list({ ...scopeOptionsOf(command), ...filter });
      print(output, services, services.map((service) => `${service.name.padEnd(32)} ${service.state.padEnd(10)} ${service.pid ?? ''}`).join('\n') || '(none)');
      return COMMAND_EXIT.ok;
    },
  },
  run: {
    summary: 'run a script in the foreground with the service lifecycle, for debugging',
    usage: 'servicehost run [options] -- <script> [args...]',
    options: {
      cwd: { kind: 'string', value: 'dir', description: 'working directory (default: the current one)' },
      env: { kind: 'list', value: 'KEY=value', description: 'an environment variable; repeat for more' },
    },
    run: runScript,
  },
  elevated: {
    summary: 'used by --elevate: the elevated process runs the request it was given (servicehost starts it)',
    usage: 'servicehost elevated --servicehost-elevated=<folder>',
    options: { 'servicehost-elevated': { kind: 'string', value: 'folder', description: 'the private folder that holds the request' } },
    async run(command) {
      const folder = command.options['servicehost-elevated'];
      if (typeof folder !== 'string') throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'only --elevate starts it, with --servicehost-elevated=<folder>');
      return (await handleElevatedRequest([`${ELEVATED_MARKER}${folder}`])) ?? COMMAND_EXIT.failed;
    },
  },
};
