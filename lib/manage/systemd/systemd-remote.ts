// systemd on another machine (`--host user@host[:port]`), through systemd's own
// protocol: `systemctl -H`, which runs `ssh -xT <host> systemd-stdio-bridge`
// and talks D-Bus over it. Nothing is written there: a unit file cannot be
// written over -H, so install, configure and uninstall are refused (use ssh or
// Ansible). query and list read what D-Bus shows (`systemctl show`), as the
// unit's file is not readable from here; the journal is read with
// `ssh -- <host> /usr/bin/journalctl ...` (journalctl has no -H, checked on
// systemd 252 and 257). Every program by absolute path, with argument arrays.
import { commandPath } from '../commands';
import { ServiceManagerError } from '../errors';
import { matchesName } from '../list-filter';
import { serviceLog, withStartOutput, START_FAILURE_LINES, type ResolvedLogsOptions, type ServiceLog } from '../logs';
import { parseSystemdHost, systemdWriteRefused, type SystemdRemoteHost } from './remote-host';
import { runRemote } from '../remote-run';
import { posixCommandLine } from '../shell-quote';
import { checkServiceName } from '../service-name';
import type { ListFilter, ScopeOptions, ServiceInfo, ServiceManager, ServiceSummary, StopOptions, WaitOptions } from '../types';
import { STOP_TIMEOUT_VARIABLE } from '../../lifecycle/installed-environment';
import { journalctlArgs, readJournal, type JournalQuery } from './journal';
import { socketInfoOf, type SocketInfo } from './socket-unit';
import { serviceUnitName, triggeringSockets } from './socket-names';
import { START_FAILURE_SHOWN, describeStartFailure, parseSystemctlShow, serviceInfoOf, systemdState } from './systemctl-show';

/**
 * How long ssh may take to connect, in seconds: the journal read over ssh is
 * spawned apart from runRemote's per-host deadline, and without it a host that
 * drops packets held `logs --host` until TCP gave up.
 */
const SSH_CONNECT_TIMEOUT_S = 15;

/** ssh, by absolute path: a privileged run never takes it from PATH. */
const SSH_PROGRAM = '/usr/bin/ssh';
/** journalctl on the other machine (merged /usr: Debian 12+, Ubuntu, Fedora, RHEL). */
const REMOTE_JOURNALCTL = '/usr/bin/journalctl';

/** How long one systemctl -H call may take when the caller gives no timeout: connecting included. */
const DEFAULT_REMOTE_TIMEOUT_MS = 15_000;

type RemoteScope = ScopeOptions & { host: string; timeoutMs?: number; signal?: AbortSignal };

function hostOf(scope: ScopeOptions): SystemdRemoteHost {
  return parseSystemdHost(scope.host ?? '', 'host');
}

/** systemctl's arguments for another machine: -H first, then the verb, then `--` and the units, so that no name is read as an option. */
export function remoteSystemctlArgs(host: SystemdRemoteHost, args: readonly string[], units: readonly string[] = []): string[] {
  return [`--host=${host.text}`, '--no-pager', ...args, ...(units.length > 0 ? ['--', ...units] : [])];
}

/** ssh's arguments for one command there: no X11, no terminal, no prompts, the port if given, `--`, then the destination and the command as one quoted line (ssh hands it to the remote shell). */
export function sshArgs(host: SystemdRemoteHost, command: readonly string[]): string[] {
  const destination = host.user === undefined ? host.hostname : `${host.user}@${host.hostname}`;
  return ['-x', '-T', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`, ...(host.port === undefined ? [] : ['-p', String(host.port)]), '--', destination, posixCommandLine(command)];
}

/**
 * The error of a remote run that failed: the host not answering in time, ssh
 * failing to connect or log in (its exit 255, systemctl's "Failed to connect
 * to bus"), or systemd's own refusal.
 */
function remoteFailure(host: string, service: string, what: string, result: { outcome: string; code?: number; stderr: string }, timeoutMs: number): ServiceManagerError {
  const said = result.stderr.trim();
  if (result.outcome === 'timeout') {
    return new ServiceManagerError('ERR_SERVICEHOST_HOST_UNREACHABLE', service, `${host} did not answer within ${timeoutMs} ms (${what}); the connection was ended${said ? `: ${said}` : ''}`);
  }
  if (result.outcome === 'aborted') return new ServiceManagerError('ERR_SERVICEHOST_HOST_UNREACHABLE', service, `${what} on ${host} was cancelled`);
  if (result.outcome === 'spawn-failed') return new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', service, `${what} could not run: ${said}`);
  const transport = /^ssh:|could not resolve|connection (refused|timed out|closed|reset)|no route to host|network is unreachable|permission denied \(|host key verification failed|failed to connect to bus|kex_exchange_identification/imu;
  if (result.code === 255 || transport.test(said)) {
    return new ServiceManagerError('ERR_SERVICEHOST_HOST_UNREACHABLE', service, `${host} cannot be reached over ssh (${what}): ${said || `exit ${result.code}`}. servicehost connects with the keys ssh finds (an agent, ~/.ssh) and never asks for a password`);
  }
  if (/access denied|interactive authentication required/iu.test(said)) {
    return new ServiceManagerError('ERR_SERVICEHOST_ACCESS_DENIED', service, `${what} on ${host}: ${said}. Log in there as root (root@${host.replace(/^.*@/u, '')}), or as a user polkit lets manage units`);
  }
  if (/not (found|loaded)|does not exist/iu.test(said)) return new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', service, `${what} on ${host}: ${said}`);
  return new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', service, `${what} on ${host} failed (exit ${result.code}): ${said || 'it said nothing'}`);
}

/** Runs systemctl -H; resolves with its output. */
async function remoteSystemctl(scope: RemoteScope, args: readonly string[], service: string, units: readonly string[] = [], timeoutMs = scope.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS): Promise<string> {
  const host = hostOf(scope);
  const argv = remoteSystemctlArgs(host, args, units);
  const result = await runRemote(commandPath('systemctl', scope.commands), argv, { timeoutMs, signal: scope.signal });
  if (result.outcome === 'exited' && result.code === 0) return result.stdout;
  throw remoteFailure(host.text, service, `systemctl ${argv.join(' ')}`, result, timeoutMs);
}

const SHOWN = ['Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'Result', 'MainPID', 'ExecMainStatus', 'UnitFileState', 'NRestarts', 'User', 'WorkingDirectory', 'FragmentPath', 'ExecStart', 'TriggeredBy'];

/** `systemctl show` of several units: one record per unit, in order (blocks separated by an empty line). */
export function parseShowBlocks(output: string): Array<Record<string, string>> {
  return output
    .split(/\n\s*\n/u)
    .map((block) => parseSystemctlShow(block))
    .filter((record) => Object.keys(record).length > 0);
}

/** The argv of `show`'s ExecStart= value: `{ path=/usr/bin/node ; argv[]=/usr/bin/node /srv/app.js ; ... }`; words split at spaces, as systemd prints them. */
export function execStartArgv(value: string | undefined): string[] {
  const match = /argv\[\]=(.*?) ;/u.exec(value ?? '');
  return match?.[1] ? match[1].split(' ').filter((word) => word !== '') : [];
}

async function queryRemote(nameInput: unknown, scope: RemoteScope): Promise<ServiceInfo> {
  const name = checkServiceName(nameInput, 'systemd');
  const shown = parseSystemctlShow(await remoteSystemctl(scope, ['show', `--property=${SHOWN.join(',')}`], name, [serviceUnitName(name)]));
  if (shown.LoadState === 'not-found') throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', name, `Cannot query "${name}" on ${scope.host}: no such unit is installed there`);
  const argv = execStartArgv(shown.ExecStart);
  const sockets = triggeringSockets(shown.TriggeredBy, name);
  return serviceInfoOf(name, shown, {
    description: shown.Description ?? '',
    account: shown.User || 'root',
    argv,
    workingDirectory: shown.WorkingDirectory || undefined,
    unitPath: shown.FragmentPath ?? '',
    ...(sockets.length > 0 ? { sockets: await remoteSockets(scope, name, sockets) } : {}),
  });
}

/** The socket units as `show` gives them (Listen=: `[::]:8080 (Stream)`), in the form query() gives them on this machine. */
async function remoteSockets(scope: RemoteScope, name: string, units: string[]): Promise<SocketInfo[]> {
  const blocks = parseShowBlocks(await remoteSystemctl(scope, ['show', '--property=Id,Listen,FileDescriptorName,SocketMode,SocketGroup'], name, units));
  return blocks.map((block) => socketInfoOf(block.Id ?? '', { listen: block.Listen ?? '', name: block.FileDescriptorName ?? '', mode: block.SocketMode, group: block.SocketGroup }));
}

/**
 * servicehost's units there: every service unit file, then one `show` for all
 * of them; a unit is servicehost's when its Environment= names
 * SERVICEHOST_STOP_TIMEOUT_MS, which every unit servicehost writes sets (the
 * marker comment of the file is not visible over D-Bus).
 */
async function listRemote(filter: ListFilter & RemoteScope): Promise<ServiceSummary[]> {
  const files = await remoteSystemctl(filter, ['list-unit-files', '--type=service', '--no-legend'], '*');
  const units = files
    .split('\n')
    .map((line) => line.trim().split(/\s+/u)[0] ?? '')
    .filter((unit) => unit.endsWith('.service') && !unit.includes('@'))
    .filter((unit) => matchesName(unit.slice(0, -'.service'.length), filter.match));
  if (units.length === 0) return [];
  const blocks = parseShowBlocks(await remoteSystemctl(filter, ['show', '--property=Id,Description,ActiveState,SubState,MainPID,Environment'], '*', units));
  return blocks
    .filter((block) => filter.servicehostOnly === false || (block.Environment ?? '').includes(`${STOP_TIMEOUT_VARIABLE}=`))
    .map((block) => {
      const pid = Number(block.MainPID ?? '0');
      const name = (block.Id ?? '').replace(/\.service$/u, '');
      return { name, displayName: name, state: systemdState(block.ActiveState ?? '', block.SubState ?? ''), pid: pid > 0 ? pid : undefined };
    });
}

async function startRemote(name: string, verb: 'start' | 'restart', options: WaitOptions & RemoteScope): Promise<void> {
  const began = Date.now();
  options.onProgress?.({ state: verb === 'start' ? 'starting' : 'stopping', checkPoint: 0, waitHint: 0 });
  try {
    await remoteSystemctl(options, [verb, ...(options.wait === false ? ['--no-block'] : [])], name, [serviceUnitName(name)], options.timeoutMs ?? 60_000);
  } catch (error) {
    if (!(error instanceof ServiceManagerError) || error.code !== 'ERR_SERVICEHOST_COMMAND_FAILED' || !/job for .* failed/iu.test(error.message)) throw error;
    const shown = parseSystemctlShow(await remoteSystemctl(options, ['show', `--property=${START_FAILURE_SHOWN.join(',')}`], name, [serviceUnitName(name)]).catch(() => ''));
    const failed = new ServiceManagerError('ERR_SERVICEHOST_START_FAILED', name, `${options.host}: ${describeStartFailure(name, shown)}`, error);
    throw await withStartOutput(failed, () => journalLines({ unit: serviceUnitName(name), lines: START_FAILURE_LINES, since: began }, options, name));
  }
}

async function stopRemote(nameInput: unknown, options: StopOptions & RemoteScope): Promise<void> {
  const name = checkServiceName(nameInput, 'systemd');
  options.onProgress?.({ state: 'stopping', checkPoint: 0, waitHint: 0 });
  // Its sockets stop too, or the next connection would start it again.
  const shown = parseSystemctlShow(await remoteSystemctl(options, ['show', '--property=TriggeredBy'], name, [serviceUnitName(name)]));
  const sockets = triggeringSockets(shown.TriggeredBy, name);
  await remoteSystemctl(options, ['stop', ...(options.wait === false ? ['--no-block'] : [])], name, [serviceUnitName(name), ...sockets], options.timeoutMs ?? 10 * 60_000);
}

/** How ssh runs journalctl there: for readJournal. */
function overSsh(scope: RemoteScope, query: JournalQuery): { program: string; args: string[]; failure: (code: number, said: string) => Error | undefined } {
  const host = hostOf(scope);
  const args = sshArgs(host, [REMOTE_JOURNALCTL, ...journalctlArgs(query)]);
  return {
    program: SSH_PROGRAM,
    args,
    failure: (code, said) => (code === 255 ? remoteFailure(host.text, query.unit, 'ssh journalctl', { outcome: 'exited', code, stderr: said }, 0) : undefined),
  };
}

async function journalLines(query: JournalQuery, scope: RemoteScope, service: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readJournal(query, { service, via: overSsh(scope, query) })) lines.push(line);
  return lines;
}

async function logsRemote(nameInput: unknown, options: ResolvedLogsOptions & RemoteScope): Promise<ServiceLog> {
  const name = checkServiceName(nameInput, 'systemd');
  const query: JournalQuery = {
    unit: serviceUnitName(name),
    ...(options.lines === undefined ? {} : { lines: options.lines }),
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.follow ? { follow: true } : {}),
  };
  const via = overSsh(options, query);
  return serviceLog(posixCommandLine([via.program, ...via.args]), (notices) => readJournal(query, { service: name, notices, via, ...(options.signal ? { signal: options.signal } : {}) }));
}

function refuseWrite(doing: string): (target: unknown, options?: ScopeOptions) => Promise<never> {
  return async (target, options) => {
    const name = typeof target === 'string' ? target : String((target as { name?: unknown } | undefined)?.name ?? '');
    throw systemdWriteRefused(options?.host ?? '', doing, name);
  };
}

/** systemd on another machine, behind servicehost/manage when `host` is given. */
export const systemdRemoteManager: ServiceManager = {
  platform: 'systemd',
  install: refuseWrite('install') as ServiceManager['install'],
  configure: refuseWrite('configure') as ServiceManager['configure'],
  uninstall: refuseWrite('uninstall') as ServiceManager['uninstall'],
  start: async (name, options) => startRemote(checkServiceName(name, 'systemd'), 'start', options as WaitOptions & RemoteScope),
  stop: async (name, options) => stopRemote(name, options as StopOptions & RemoteScope),
  restart: async (name, options) => startRemote(checkServiceName(name, 'systemd'), 'restart', options as WaitOptions & RemoteScope),
  query: async (name, options) => queryRemote(name, options as RemoteScope),
  list: async (filter) => listRemote(filter as ListFilter & RemoteScope),
  logs: async (name, options) => logsRemote(name, options as ResolvedLogsOptions & RemoteScope),
};

