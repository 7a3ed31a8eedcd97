// `--host` on the command line: one host for the verbs that change or read
// one service, several for `list` and `status` (one view of several hosts:
// lib/manage/hosts.ts), with one row per service per host and an exit code
// that says whether every host answered.
import { ServicehostError } from '../errors';
import * as manage from '../manage/index';
import type { HostRow } from '../manage/hosts';
import { managerPlatform } from '../manage/manager';
import { parseRemoteHost } from '../manage/remote-host';
import type { ListFilter, ScopeOptions, ServiceInfo, ServiceSummary } from '../manage/types';
import type { OptionSpec, ParsedCommand } from './args';
import { COMMAND_EXIT, commandExitCodeOf } from './command-exit-codes';
import { describeService, print, type Output } from './output';

export const hostOption: Record<string, OptionSpec> = {
  host: {
    kind: 'list',
    value: 'host',
    description: "another machine's manager: Windows \\\\server or server (the SCM's RPC), systemd user@host[:port] (ssh); list and status take several",
  },
};

export const hostsOptions: Record<string, OptionSpec> = {
  timeout: { kind: 'integer', value: 'ms', description: 'with --host: how long each host has to answer (default 10000)' },
  concurrency: { kind: 'integer', value: 'n', description: 'with --host: how many hosts are asked at once (default 8)' },
};

/** The hosts of --host, each checked in the command's words; empty without --host. */
export function hostsOf(command: ParsedCommand): string[] {
  const hosts = (command.options.host as string[] | undefined) ?? [];
  for (const host of hosts) parseRemoteHost(host, managerPlatform(), '--host');
  return hosts;
}

/** `{ host }` for the verbs that act on one machine; a second --host is a usage error. */
export function singleHostOf(command: ParsedCommand): Pick<ScopeOptions, 'host'> {
  const hosts = hostsOf(command);
  if (hosts.length > 1) throw new ServicehostError('ERR_INVALID_ARG_VALUE', '--host takes one host here; list and status take several');
  return hosts.length === 1 ? { host: hosts[0]! } : {};
}

function limitsOf(command: ParsedCommand): { timeoutMs?: number; concurrency?: number } {
  return {
    ...(typeof command.options.timeout === 'number' ? { timeoutMs: command.options.timeout } : {}),
    ...(typeof command.options.concurrency === 'number' ? { concurrency: command.options.concurrency } : {}),
  };
}

/** Exit 11 when a host did not answer; else the first other error row's code; else `otherwise`. */
function exitOf(rows: ReadonlyArray<HostRow<object>>, otherwise: number): number {
  const errors = rows.flatMap((row) => (row.error ? [row.error] : []));
  if (errors.some((error) => error.code === 'ERR_SERVICEHOST_HOST_UNREACHABLE')) return COMMAND_EXIT.hostUnanswered;
  return errors.length > 0 ? commandExitCodeOf(errors[0]) : otherwise;
}

function errorLine(row: { host: string; error: { code: string; message: string } }): string {
  return `${row.host}: ${row.error.code}: ${row.error.message}`;
}

/** `list --host a --host b`: one row per service per host. */
export async function listOnHosts(command: ParsedCommand, output: Output, hosts: readonly string[], filter: ListFilter & Omit<ScopeOptions, 'host'>): Promise<number> {
  const rows = await manage.listHosts([...hosts], { ...filter, ...limitsOf(command) });
  const width = Math.max(4, ...rows.map((row) => row.host.length));
  const text = rows.map((row) => (row.error ? errorLine(row) : `${row.host.padEnd(width)} ${row.name.padEnd(32)} ${row.state.padEnd(10)} ${row.pid ?? ''}`));
  print(output, rows, text.join('\n') || '(none)');
  return exitOf(rows, COMMAND_EXIT.ok);
}

/** `status <name> --host a --host b`: one row per host (its output lines: `servicehost logs <name> --host h`). */
export async function statusOnHosts(command: ParsedCommand, output: Output, hosts: readonly string[], name: string, scope: Omit<ScopeOptions, 'host'>): Promise<number> {
  const rows: Array<HostRow<ServiceInfo>> = await manage.queryHosts(name, [...hosts], { ...scope, ...limitsOf(command) });
  print(output, rows, rows.map((row) => (row.error ? errorLine(row) : `${row.host}: ${describeService(row as ServiceInfo)}`)).join('\n\n'));
  const allRunning = rows.every((row) => !row.error && (row as ServiceSummary).state === 'running');
  return exitOf(rows, allRunning ? COMMAND_EXIT.ok : COMMAND_EXIT.notRunning);
}
