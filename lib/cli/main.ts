// The `servicehost` command: install, uninstall, start, stop, restart, status,
// list and run. Output is for people unless --json is given; the exit code
// says what happened (see EXIT_CODES, also printed by --help).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandLine, type OptionSpec, type ParsedCommand } from './args';
import * as manage from '../manage/index';
import type { InstallSpec, WindowsInstallOptions } from '../manage/spec';
import type { ManagedServiceState, ServiceInfo, WaitOptions } from '../manage/types';

export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  notRunning: 3,
  notInstalled: 4,
  accessDenied: 5,
  exists: 6,
  timeout: 7,
  startFailed: 8,
  markedForDelete: 9,
} as const;

const ERROR_EXIT: Record<string, number> = {
  ERR_INVALID_ARG_TYPE: EXIT_CODES.usage,
  ERR_INVALID_ARG_VALUE: EXIT_CODES.usage,
  ERR_OUT_OF_RANGE: EXIT_CODES.usage,
  ERR_SERVICEHOST_INVALID_SERVICE_NAME: EXIT_CODES.usage,
  ERR_SERVICEHOST_SERVICE_NOT_FOUND: EXIT_CODES.notInstalled,
  ERR_SERVICEHOST_ACCESS_DENIED: EXIT_CODES.accessDenied,
  ERR_SERVICEHOST_SERVICE_EXISTS: EXIT_CODES.exists,
  ERR_SERVICEHOST_WAIT_TIMEOUT: EXIT_CODES.timeout,
  ERR_SERVICEHOST_START_FAILED: EXIT_CODES.startFailed,
  ERR_SERVICEHOST_MARKED_FOR_DELETE: EXIT_CODES.markedForDelete,
};

const common: Record<string, OptionSpec> = {
  json: { kind: 'boolean', description: 'print one JSON document on stdout instead of text' },
};
const scope: Record<string, OptionSpec> = {
  user: { kind: 'boolean', description: 'systemd: the user manager (--user); launchd: a LaunchAgent' },
  root: { kind: 'string', value: 'dir', description: 'systemd: an offline root (an image or chroot), via systemctl --root' },
};
const waiting: Record<string, OptionSpec> = {
  wait: { kind: 'boolean', description: 'wait for the state (default; --no-wait returns at once)' },
  timeout: { kind: 'integer', value: 'ms', description: 'give up waiting after this long (default 60000)' },
};

interface Verb {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
}

const VERBS: Record<string, Verb> = {
  install: {
    summary: 'install a Node program as a service, and start it',
    usage: 'servicehost install --name <name> [options] -- <script> [args...]',
    options: {
      ...common,
      ...scope,
      name: { kind: 'string', value: 'name', description: 'the service name (required)' },
      'display-name': { kind: 'string', value: 'text', description: 'the name people see (Windows)' },
      description: { kind: 'string', value: 'text', description: 'one line about the service' },
      node: { kind: 'string', value: 'path', description: 'the node executable (default: this one)' },
      'node-arg': { kind: 'list', value: 'arg', description: 'an argument for node itself; repeat for more' },
      cwd: { kind: 'string', value: 'dir', description: "working directory (default: the script's folder)" },
      env: { kind: 'list', value: 'KEY=value', description: 'an environment variable; repeat for more' },
      register: { kind: 'boolean', description: 'preload servicehost/register (default; --no-register to leave it out)' },
      'stop-timeout': { kind: 'integer', value: 'ms', description: "the program's stop deadline (default 30000)" },
      start: { kind: 'boolean', description: 'start it once installed (default; --no-start to leave it stopped)' },
      'start-type': { kind: 'string', value: 'type', description: 'Windows: auto (default), delayed-auto, manual or disabled' },
      account: { kind: 'string', value: 'account', description: 'Windows: virtual (default, NT SERVICE\\<name>), LocalService, NetworkService, LocalSystem, or DOMAIN\\user with the password in SERVICEHOST_ACCOUNT_PASSWORD' },
      dependency: { kind: 'list', value: 'service', description: 'Windows: a service that must run first; repeat for more' },
      recovery: { kind: 'boolean', description: 'Windows: restart after a failure (default; --no-recovery for none)' },
      'run-as': { kind: 'string', value: 'user[:group]', description: 'systemd: User= and Group=' },
      'watchdog-sec': { kind: 'integer', value: 's', description: 'systemd: WatchdogSec=' },
      hardening: { kind: 'boolean', description: 'systemd: sandbox the service (ProtectSystem=strict and more)' },
    },
  },
  configure: {
    summary: 'change an installed service to match these options (restart it to apply a new command line)',
    usage: 'servicehost configure --name <name> [install options] -- <script> [args...]',
    options: {},
  },
  uninstall: { summary: 'stop and remove a service', usage: 'servicehost uninstall <name> [options]', options: { ...common, ...scope, ...waiting } },
  start: { summary: 'start a service and wait until it runs', usage: 'servicehost start <name> [options]', options: { ...common, ...scope, ...waiting } },
  stop: { summary: 'stop a service and wait until it has stopped', usage: 'servicehost stop <name> [options]', options: { ...common, ...scope, ...waiting } },
  restart: { summary: 'stop, then start a service', usage: 'servicehost restart <name> [options]', options: { ...common, ...scope, ...waiting } },
  status: { summary: 'state, process, exit code and configuration of a service', usage: 'servicehost status <name> [options]', options: { ...common, ...scope } },
  list: {
    summary: 'list services (servicehost\'s own on systemd and launchd)',
    usage: 'servicehost list [match] [options]',
    options: { ...common, ...scope, all: { kind: 'boolean', description: 'every service, not only servicehost\'s (Windows lists all by default)' } },
  },
  run: {
    summary: 'run a script in the foreground with the service lifecycle, for debugging',
    usage: 'servicehost run [options] -- <script> [args...]',
    options: {
      cwd: { kind: 'string', value: 'dir', description: 'working directory (default: the current one)' },
      env: { kind: 'list', value: 'KEY=value', description: 'an environment variable; repeat for more' },
    },
  },
};

// configure takes what install takes, except starting.
VERBS.configure!.options = Object.fromEntries(Object.entries(VERBS.install!.options).filter(([option]) => option !== 'start'));

function mainHelp(): string {
  const verbs = Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(10)} ${verb.summary}`).join('\n');
  return [
    'servicehost: run a Node.js program as a real operating-system service.',
    '',
    'Usage: servicehost <command> [options]',
    '',
    'Commands:',
    verbs,
    '',
    'Example:',
    '  npx servicehost install --name api -- server.js --port 8080',
    '',
    'Run `servicehost <command> --help` for its options.',
    '',
    exitCodeHelp(),
  ].join('\n');
}

function exitCodeHelp(): string {
  return [
    'Exit codes:',
    '  0  done (status: the service is running)',
    '  1  failed for another reason (the message says why)',
    '  2  bad command line or option',
    '  3  status: the service is installed but not running',
    '  4  no such service is installed',
    '  5  access denied: run elevated (Administrator, or root / sudo)',
    '  6  a service with this name already exists',
    '  7  timed out waiting for the service',
    '  8  the service stopped while starting',
    '  9  the service is marked for deletion (Windows)',
  ].join('\n');
}

function verbHelp(name: string, verb: Verb): string {
  const options = Object.entries(verb.options).map(([option, spec]) => {
    const left = `--${option}${spec.value ? ` <${spec.value}>` : ''}`;
    return `  ${left.padEnd(28)} ${spec.description}`;
  });
  return [`servicehost ${name}: ${verb.summary}`, '', `Usage: ${verb.usage}`, '', 'Options:', ...options, '', exitCodeHelp()].join('\n');
}

function environment(list: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of (list as string[] | undefined) ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw Object.assign(new Error(`--env expects KEY=value; got ${JSON.stringify(entry)}`), { code: 'ERR_INVALID_ARG_VALUE' });
    result[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return result;
}

function requireName(command: ParsedCommand): string {
  const name = command.positional[0];
  if (name === undefined) throw Object.assign(new Error(`servicehost ${command.verb}: which service? Give its name.`), { code: 'ERR_INVALID_ARG_VALUE' });
  return name;
}

function scopeOf(command: ParsedCommand): manage.ScopeOptions {
  return {
    ...(command.options.user === true ? { user: true } : {}),
    ...(typeof command.options.root === 'string' ? { root: command.options.root } : {}),
  };
}

function accountOf(value: unknown): WindowsInstallOptions['account'] {
  if (value === undefined) return undefined;
  const text = String(value);
  if (['virtual', 'LocalSystem', 'LocalService', 'NetworkService'].includes(text)) return text as 'virtual';
  const password = process.env.SERVICEHOST_ACCOUNT_PASSWORD;
  return password === undefined ? { user: text } : { user: text, password };
}

export function installSpecOf(command: ParsedCommand): InstallSpec {
  const options = command.options;
  const [script, ...args] = command.rest;
  if (typeof options.name !== 'string') throw Object.assign(new Error(`servicehost ${command.verb}: --name <name> is required`), { code: 'ERR_INVALID_ARG_VALUE' });
  if (script === undefined) throw Object.assign(new Error(`servicehost ${command.verb}: give the script after --, e.g. \`-- server.js --port 8080\``), { code: 'ERR_INVALID_ARG_VALUE' });
  const [runAsUser, runAsGroup] = typeof options['run-as'] === 'string' ? options['run-as'].split(':') : [];
  const account = accountOf(options.account);
  const spec: InstallSpec = {
    name: options.name,
    script,
    args,
    env: environment(options.env),
    ...(typeof options['display-name'] === 'string' ? { displayName: options['display-name'] } : {}),
    ...(typeof options.description === 'string' ? { description: options.description } : {}),
    ...(typeof options.node === 'string' ? { node: options.node } : {}),
    ...(Array.isArray(options['node-arg']) ? { nodeArgs: options['node-arg'] } : {}),
    ...(typeof options.cwd === 'string' ? { workingDirectory: options.cwd } : {}),
    ...(options.register === false ? { register: false } : {}),
    ...(typeof options['stop-timeout'] === 'number' ? { stopTimeoutMs: options['stop-timeout'] } : {}),
    ...(options.start === false ? { start: false } : {}),
    windows: {
      ...(typeof options['start-type'] === 'string' ? { startType: options['start-type'] as 'auto' } : {}),
      ...(account === undefined ? {} : { account }),
      ...(Array.isArray(options.dependency) ? { dependencies: options.dependency } : {}),
      ...(options.recovery === false ? { recovery: false as const } : {}),
    },
    systemd: {
      ...(options.user === true ? { user: true } : {}),
      ...(typeof options.root === 'string' ? { root: options.root } : {}),
      ...(runAsUser || runAsGroup ? { runAs: { ...(runAsUser ? { user: runAsUser } : {}), ...(runAsGroup ? { group: runAsGroup } : {}) } } : {}),
      ...(typeof options['watchdog-sec'] === 'number' ? { watchdogSec: options['watchdog-sec'] } : {}),
      ...(options.hardening === true ? { hardening: true } : {}),
    },
    launchd: { ...(options.user === true ? { user: true } : {}) },
  };
  return spec;
}

interface Output {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

function waitOptionsOf(command: ParsedCommand, name: string, output: Output): WaitOptions {
  let last = '';
  return {
    ...(command.options.wait === false ? { wait: false } : {}),
    ...(typeof command.options.timeout === 'number' ? { timeoutMs: command.options.timeout } : {}),
    // Pending states only: the settled one is the command's own last line.
    onProgress: ({ state, checkPoint, waitHint }: { state: ManagedServiceState; checkPoint: number; waitHint: number }) => {
      if (!['starting', 'stopping', 'pausing', 'continuing'].includes(state)) return;
      const line = `${name}: ${state}${waitHint > 0 ? ` (checkpoint ${checkPoint}, wait hint ${waitHint} ms)` : ''}`;
      if (line !== last && !output.json) output.err(line);
      last = line;
    },
  };
}

function describe(info: ServiceInfo): string {
  const lines = [
    `${info.name}: ${info.state}${info.pid === undefined ? '' : ` (pid ${info.pid})`}`,
    `  platform:    ${info.platform}`,
    `  enabled:     ${info.enabled ? 'yes' : 'no'}`,
  ];
  if (info.exitCode !== undefined) lines.push(`  exit code:   ${info.exitCode}`);
  if (info.description) lines.push(`  description: ${info.description}`);
  if (info.account) lines.push(`  account:     ${info.account}`);
  lines.push(`  command:     ${info.commandLine}`);
  if (info.workingDirectory) lines.push(`  directory:   ${info.workingDirectory}`);
  if (info.windows) lines.push(`  start type:  ${info.windows.startType}`);
  if (info.systemd) lines.push(`  unit:        ${info.systemd.unitPath}`);
  if (info.launchd) lines.push(`  plist:       ${info.launchd.plistPath}`);
  return lines.join('\n');
}

async function runScript(command: ParsedCommand): Promise<number | undefined> {
  const [script, ...args] = command.rest;
  if (script === undefined) throw Object.assign(new Error('servicehost run: give the script after --, e.g. `-- server.js`'), { code: 'ERR_INVALID_ARG_VALUE' });
  Object.assign(process.env, environment(command.options.env));
  if (typeof command.options.cwd === 'string') process.chdir(command.options.cwd);
  const absolute = path.resolve(script);
  // The program runs in this process, as it would under the service manager:
  // its own Service sees the terminal's signals (Ctrl-C) as the stop.
  process.argv = [process.argv[0]!, absolute, ...args];
  await import(pathToFileURL(absolute).href);
  return undefined;
}

async function execute(command: ParsedCommand, output: Output): Promise<number | undefined> {
  const print = (value: unknown, text: string): void => output.out(output.json ? JSON.stringify(value, null, 2) : text);
  switch (command.verb) {
    case 'install': {
      const result = await manage.install(installSpecOf(command));
      for (const warning of result.warnings) if (!output.json) output.err(`warning: ${warning}`);
      print(result, `Installed ${result.name}${result.started ? ' and started it' : ''}.${result.path ? `\n  ${result.path}` : ''}\n  ${result.command}`);
      return EXIT_CODES.ok;
    }
    case 'configure': {
      const result = await manage.configure(installSpecOf(command));
      for (const warning of result.warnings) if (!output.json) output.err(`warning: ${warning}`);
      print(result, `Configured ${result.name}.${result.path ? `\n  ${result.path}` : ''}\n  ${result.command}`);
      return EXIT_CODES.ok;
    }
    case 'uninstall': {
      const name = requireName(command);
      await manage.uninstall(name, { ...scopeOf(command), ...waitOptionsOf(command, name, output) });
      print({ name, removed: true }, `Removed ${name}.`);
      return EXIT_CODES.ok;
    }
    case 'start':
    case 'stop':
    case 'restart': {
      const name = requireName(command);
      await manage[command.verb](name, { ...scopeOf(command), ...waitOptionsOf(command, name, output) });
      const info = await manage.query(name, scopeOf(command));
      print(info, `${name}: ${info.state}${info.pid === undefined ? '' : ` (pid ${info.pid})`}`);
      return EXIT_CODES.ok;
    }
    case 'status': {
      const info = await manage.query(requireName(command), scopeOf(command));
      print(info, describe(info));
      return info.state === 'running' ? EXIT_CODES.ok : EXIT_CODES.notRunning;
    }
    case 'list': {
      const match = command.positional[0];
      const services = await manage.list({ ...scopeOf(command), ...(match === undefined ? {} : { match }), ...(command.options.all === true ? { servicehostOnly: false } : {}) });
      print(services, services.map((service) => `${service.name.padEnd(32)} ${service.state.padEnd(10)} ${service.pid ?? ''}`).join('\n') || '(none)');
      return EXIT_CODES.ok;
    }
    case 'run':
      return runScript(command);
    default:
      return EXIT_CODES.usage;
  }
}

/** Runs the command; resolves with the exit code (undefined: `run` keeps the process alive). */
export async function main(argv: readonly string[], output: Output): Promise<number | undefined> {
  let command: ParsedCommand;
  try {
    command = parseCommandLine(argv, (verb) => VERBS[verb]?.options);
  } catch (error) {
    output.err(`servicehost: ${(error as Error).message}`);
    return EXIT_CODES.usage;
  }
  if (command.verb === 'help') {
    output.out(mainHelp());
    return EXIT_CODES.ok;
  }
  output.json = command.options.json === true;
  if (command.options.help === true) {
    output.out(verbHelp(command.verb, VERBS[command.verb]!));
    return EXIT_CODES.ok;
  }
  try {
    return await execute(command, output);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const exitCode = (typeof code === 'string' ? ERROR_EXIT[code] : undefined) ?? EXIT_CODES.failed;
    if (output.json) {
      const { name, message, systemCode, errno, syscall } = error as Record<string, unknown>;
      output.out(JSON.stringify({ error: { name, code, message, systemCode, errno, syscall } }, null, 2));
    } else {
      output.err(`servicehost ${command.verb}: ${(error as Error).message}`);
    }
    return exitCode;
  }
}

/** Runs the command with this process's arguments and streams; the bin's whole job. */
export function runFromProcess(): void {
  main(process.argv.slice(2), {
    json: false,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`servicehost: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = EXIT_CODES.failed;
    },
  );
}
