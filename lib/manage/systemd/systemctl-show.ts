// What `systemctl show` says of a unit, read one way for this machine and for
// a remote host (systemd-remote.ts): its state in the manager's words, its
// ServiceInfo, and why a start job failed.
import { posixCommandLine } from '../shell-quote';
import type { ManagedServiceState, ServiceInfo } from '../types';

/** The properties describeStartFailure reads. */
export const START_FAILURE_SHOWN = ['ActiveState', 'SubState', 'Result', 'ExecMainCode', 'ExecMainStatus', 'NRestarts', 'RestartUSec'];

/**
 * Why a start job failed, from `systemctl show`: the program's end, systemd's
 * verdict, and what comes next: a restart systemd has scheduled, or, for the
 * start of an install, the install's rollback (which cancels that restart).
 */
export function describeStartFailure(name: string, shown: Record<string, string>, by: 'install' | 'verb' = 'verb'): string {
  // ExecMainCode is the waitid() code: 1 exited, 2 killed, 3 dumped core.
  const status = shown.ExecMainStatus ?? '';
  const ended =
    shown.ExecMainCode === '1' ? `the program exited with status ${status}` : shown.ExecMainCode === '2' || shown.ExecMainCode === '3' ? `the program was killed by signal ${status}` : 'the program did not start';
  const result = shown.Result === 'timeout' ? '; it did not send READY=1 within TimeoutStartSec' : shown.Result ? ` (result: ${shown.Result})` : '';
  const next =
    by === 'install'
      ? '; the install is rolled back, so nothing of it is left'
      : shown.SubState === 'auto-restart'
      ? `; systemd restarts it in ${shown.RestartUSec || 'a moment'} (Restart=on-failure): \`servicehost status ${name}\` shows whether it came up`
      : '';
  return `"${name}" stopped while starting: ${ended}${result}${next}. \`servicehost logs ${name}\` (journalctl -u ${name}.service) says why`;
}

/** `systemctl show` output (Key=value lines) as a record. */
export function parseSystemctlShow(output: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) record[line.slice(0, at)] = line.slice(at + 1);
  }
  return record;
}

export function systemdState(activeState: string, subState: string): ManagedServiceState {
  switch (activeState) {
    case 'active':
    case 'reloading':
    case 'refreshing':
      return 'running';
    case 'activating':
      return subState === 'auto-restart' ? 'stopped' : 'starting';
    case 'deactivating':
      return 'stopping';
    case 'inactive':
      return 'stopped';
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** What the caller read beside `systemctl show`: from the unit file here, from show's own fields on a remote host. */
export interface UnitFacts {
  description: string;
  account: string;
  argv: string[];
  workingDirectory: string | undefined;
  unitPath: string;
  sockets?: NonNullable<ServiceInfo['systemd']>['sockets'];
}

/** A unit's `systemctl show` properties as the manager's ServiceInfo: one reading for this machine and a remote host. */
export function serviceInfoOf(name: string, shown: Readonly<Record<string, string | undefined>>, facts: UnitFacts): ServiceInfo {
  const pid = Number(shown.MainPID ?? '0');
  const state = systemdState(shown.ActiveState ?? '', shown.SubState ?? '');
  return {
    name,
    displayName: name,
    platform: 'systemd',
    state,
    pid: pid > 0 ? pid : undefined,
    description: facts.description,
    exitCode: state === 'stopped' || state === 'failed' ? Number(shown.ExecMainStatus ?? '0') : undefined,
    enabled: shown.UnitFileState === 'enabled',
    account: facts.account,
    argv: facts.argv,
    commandLine: posixCommandLine(facts.argv),
    workingDirectory: facts.workingDirectory,
    dependencies: [],
    systemd: {
      unitPath: facts.unitPath,
      activeState: shown.ActiveState ?? '',
      subState: shown.SubState ?? '',
      result: shown.Result ?? '',
      unitFileState: shown.UnitFileState ?? '',
      restarts: shown.NRestarts === undefined || shown.NRestarts === '' ? undefined : Number(shown.NRestarts),
      ...(facts.sockets ? { sockets: facts.sockets } : {}),
    },
  };
}
