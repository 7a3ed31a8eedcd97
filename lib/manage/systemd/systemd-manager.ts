// The systemd service manager: writes the unit, then drives systemctl
// (systemctl.ts) and reads what it shows (systemctl-show.ts). A failed step
// after the unit is written removes it again.
import { existsSync, readFileSync, readdirSync, rmSync, type Dirent } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRunPathsPosix } from '../least-privilege';
import { DYNAMIC_ACCOUNT, serviceAccount } from '../run-access';
import { uidOf } from '../writable-paths';
import { Accounts } from '../accounts';
import { ServiceManagerError, translateSystemError } from '../errors';
import { writeFileAtomically } from '../files';
import { checkReadInRoot, prepareDefinitionFolder } from '../definition-folder';
import { installLinkFolders } from './link-folders';
import { matchesName } from '../list-filter';
import { checkServiceName } from '../service-name';
import { resolveSpec, type ResolvedSpec } from '../spec';
import { UNIT_MARKER, parseSystemdCommandLine, reloadHelperOf, renderSystemdUnit, specForSystemd } from './unit';
import { targetSystemdVersion } from './systemd-version';
import { servicehostVersion } from '../version';
import { serviceLog, withStartOutput, START_FAILURE_LINES, type ResolvedLogsOptions, type ServiceLog } from '../logs';
import { journalctlArgs, readJournal, type JournalQuery } from './journal';
import { serviceUnitName } from './socket-names';
import { installedSocketUnits, readSocketUnits, removeSocketFiles, renderSocketUnits, requireNoSocketFiles, socketAccessWarnings, startSocketUnits } from './socket-unit';
import { checkScope, systemctl, systemdUnitDirectory, unitPath, type SystemdScope } from './systemctl';
import { START_FAILURE_SHOWN, describeStartFailure, parseSystemctlShow, serviceInfoOf } from './systemctl-show';
import type { ServiceManager } from '../types';
import type { InstallResult, ListFilter, ServiceInfo, ServiceSummary, StopOptions, WaitOptions } from '../types';

/** Which systemd the spec is for (system, --user, or an offline --root) and the systemctl to run. */
function systemdScopeOf(spec: ResolvedSpec): SystemdScope {
  const scope = { ...(spec.systemd.root !== undefined ? { root: spec.systemd.root } : {}), user: spec.systemd.user === true, commands: spec.commands };
  checkScope(scope);
  return scope;
}

export async function installSystemdService(specInput: unknown): Promise<InstallResult> {
  const resolved = resolveSpec(specInput, 'systemd');
  const scope = systemdScopeOf(resolved);
  // Refused before any systemctl runs; with no Type= asked for, the check covers the ExecReload= helper too.
  const warnings = [...checkPrivilege(resolved), ...socketAccessWarnings(resolved)];
  // Type=notify-reload where the target's systemd has it (253+), the ExecReload= helper before.
  const spec = specForSystemd(resolved, await targetSystemdVersion(scope));
  const text = renderSystemdUnit(spec, { version: servicehostVersion() });
  const file = unitPath(spec.name, scope);
  const socketFiles = renderSocketUnits(spec, path.dirname(file), { version: servicehostVersion() });
  // Every folder the unit and its enable links go through, before anything is looked up or written there.
  prepareDefinitionFolder(path.dirname(file), installLinkFolders(path.dirname(file), [text, ...socketFiles.map((socket) => socket.text)]), spec.name, 'install', scope.root);
  if (existsSync(file)) {
    throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_EXISTS', spec.name, `Cannot install "${spec.name}": ${file} already exists. Uninstall it first, or choose another name`);
  }
  requireNoSocketFiles(spec.name, socketFiles);
  writeFileAtomically(file, text, spec.name, 'install');
  let started = false;
  try {
    for (const socket of socketFiles) writeFileAtomically(socket.path, socket.text, spec.name, 'install');
    if (scope.root === undefined) await systemctl(scope, ['daemon-reload'], spec.name);
    // Also= in the unit enables its socket units with it.
    await systemctl(scope, ['enable'], spec.name, [serviceUnitName(spec.name)]);
    if (spec.start && scope.root === undefined) {
      // The sockets first: their ports are bound now, or the install fails. --on-demand leaves the service to the first connection.
      await startSocketUnits(spec.name, socketFiles, (units) => systemctl(scope, ['start'], spec.name, units));
      if (!spec.systemd.onDemand) {
        await startJob(spec.name, 'start', scope, 'install');
        started = true;
      }
    }
  } catch (error) {
    await rollBackInstall(spec.name, scope, file);
    throw error;
  }
  return { name: spec.name, platform: 'systemd', command: unitSetting(text, 'ExecStart') ?? '', path: file, started, warnings };
}

/**
 * Leaves nothing of a failed install: the stop also cancels a restart that
 * Restart=on-failure has scheduled, and reset-failed takes the unit out of
 * `systemctl --failed` once its file is gone.
 */
async function rollBackInstall(name: string, scope: SystemdScope, file: string): Promise<void> {
  const sockets = installedSocketUnits(file);
  const units = [serviceUnitName(name), ...sockets];
  if (scope.root === undefined) await systemctl(scope, ['stop'], name, units).catch(() => {});
  await systemctl(scope, ['disable'], name, units).catch(() => {});
  removeSocketFiles(file, sockets);
  rmSync(file, { force: true });
  if (scope.root === undefined) {
    await systemctl(scope, ['daemon-reload'], name).catch(() => {});
    await systemctl(scope, ['reset-failed'], name, units).catch(() => {});
  }
}

/** Rewrites an installed unit to match `spec` and reloads systemd; a running service keeps the old one until restarted. */
export async function configureSystemdService(specInput: unknown): Promise<InstallResult> {
  const resolved = resolveSpec(specInput, 'systemd');
  const scope = systemdScopeOf(resolved);
  if (scope.root !== undefined) prepareDefinitionFolder(systemdUnitDirectory(scope), [], resolved.name, 'configure', scope.root, false);
  const file = requireOwnUnit(resolved.name, scope, 'configure');
  const warnings = [...checkPrivilege(resolved), ...socketAccessWarnings(resolved)];
  const spec = specForSystemd(resolved, await targetSystemdVersion(scope));
  const text = renderSystemdUnit(spec, { version: servicehostVersion() });
  const oldSockets = installedSocketUnits(file);
  const socketFiles = renderSocketUnits(spec, path.dirname(file), { version: servicehostVersion() });
  prepareDefinitionFolder(path.dirname(file), installLinkFolders(path.dirname(file), [text, ...socketFiles.map((socket) => socket.text)]), spec.name, 'configure', scope.root);
  requireNoSocketFiles(spec.name, socketFiles.filter((socket) => !oldSockets.includes(socket.unit)));
  writeFileAtomically(file, text, spec.name, 'configure');
  // A changed address applies when its socket restarts (which closes the port); a dropped one is stopped and removed.
  for (const socket of socketFiles) writeFileAtomically(socket.path, socket.text, spec.name, 'configure');
  const dropped = oldSockets.filter((unit) => !socketFiles.some((socket) => socket.unit === unit));
  if (dropped.length > 0) {
    // systemd first reads the service without Requires= on them: stopping a socket it still required would stop the running service too.
    if (scope.root === undefined) await systemctl(scope, ['daemon-reload'], spec.name);
    if (scope.root === undefined) await systemctl(scope, ['stop'], spec.name, dropped).catch(() => {});
    await systemctl(scope, ['disable'], spec.name, dropped).catch(() => {});
    removeSocketFiles(file, dropped);
  }
  if (scope.root === undefined) await systemctl(scope, ['daemon-reload'], spec.name);
  const added = socketFiles.filter((socket) => !oldSockets.includes(socket.unit)).map((socket) => socket.unit);
  if (added.length > 0) await systemctl(scope, ['enable'], spec.name, added);
  return { name: spec.name, platform: 'systemd', command: unitSetting(text, 'ExecStart') ?? '', path: file, started: false, warnings };
}

/**
 * A system unit runs as root unless told otherwise: what it runs must not be
 * changeable by anyone but root and its own user, and the result says when it
 * runs as root. A user unit runs as its user. In an offline root (--root) the
 * files are checked where the unit names them inside the root, with the
 * root's own accounts (/etc/passwd and /etc/group there); what is not there
 * yet is said in the warnings.
 */
function checkPrivilege(spec: ResolvedSpec): string[] {
  if (spec.systemd.user) return [];
  const root = spec.systemd.root;
  const accounts = root === undefined ? new Accounts() : rootAccounts(root);
  const runAs = spec.systemd.runAs?.user;
  const uid = runAs === undefined ? undefined : uidOf(runAs, accounts);
  const account = spec.systemd.dynamicUser ? 'a dynamic user' : (runAs ?? 'root');
  // ExecReload= runs the reload helper as the same account: it is checked as ExecStart's files are.
  const reloadHelper = reloadHelperOf(spec);
  // The account it runs as must reach what it runs (root reaches everything). DynamicUser= with a User= that exists runs as that user; an account not in the (image's) passwd cannot be judged.
  const named = runAs === undefined || uid === 0 ? undefined : serviceAccount(accounts, runAs, spec.systemd.runAs?.group);
  const runner = named ?? (spec.systemd.dynamicUser ? DYNAMIC_ACCOUNT : undefined);
  const unknown = runAs !== undefined && uid !== 0 && runner === undefined ? [`${runAs}${spec.systemd.runAs?.group === undefined ? '' : ` (group ${spec.systemd.runAs.group})`} is not an account ${root === undefined ? 'here' : `in ${root}/etc/passwd and group`}: whether it can read what the service runs was not checked`] : [];
  const unchecked = [...unknown, ...checkRunPathsPosix(spec, uid === undefined ? [] : [uid], account, reloadHelper === undefined ? [] : [reloadHelper], { accounts }, root, runner)];
  if (runAs !== undefined || spec.systemd.dynamicUser) return unchecked;
  return [...unchecked, 'the service runs as root: --run-as <user> (systemd.runAs), or --dynamic-user (systemd.dynamicUser), gives it only the rights it needs'];
}

/** The accounts of an offline root, from its own files (never NSS: this machine's directory is not the image's). */
function rootAccounts(root: string): Accounts {
  const read = (file: string): string => {
    try {
      return readFileSync(path.join(root, 'etc', file), 'utf8');
    } catch {
      return '';
    }
  };
  return new Accounts({ passwd: read('passwd'), group: read('group') }, false);
}

function requireOwnUnit(name: string, scope: SystemdScope, doing: string): string {
  const file = requireUnit(name, scope, doing);
  if (!readFileSync(file, 'utf8').startsWith(UNIT_MARKER)) {
    throw new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', name, `Refusing to ${doing} ${file}: servicehost did not write it`);
  }
  return file;
}

function requireUnit(name: string, scope: SystemdScope, doing: string): string {
  const file = unitPath(name, scope);
  // Under --root, nothing is read through a link a user planted (a unit linked to a file outside the image).
  if (scope.root !== undefined) checkReadInRoot(file, scope.root, name, doing);
  if (!existsSync(file)) {
    throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', name, `Cannot ${doing} "${name}": ${file} does not exist`);
  }
  return file;
}

export async function uninstallSystemdService(nameInput: unknown, scope: SystemdScope = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'systemd');
  // Under --root, nothing is read or removed through a link a user planted.
  if (scope.root !== undefined) prepareDefinitionFolder(systemdUnitDirectory(scope), [], name, 'uninstall', scope.root, false);
  const file = requireOwnUnit(name, scope, 'uninstall');
  // Its socket units (--listen) go with it: stopped (the ports close), disabled, removed.
  const sockets = installedSocketUnits(file);
  if (scope.root === undefined) await systemctl(scope, ['stop'], name, [serviceUnitName(name), ...sockets]);
  await systemctl(scope, ['disable'], name, [serviceUnitName(name), ...sockets]);
  try {
    removeSocketFiles(file, sockets);
    rmSync(file);
  } catch (error) {
    throw translateSystemError(error, name, 'uninstall');
  }
  if (scope.root === undefined) {
    await systemctl(scope, ['daemon-reload'], name);
    await systemctl(scope, ['reset-failed'], name, [serviceUnitName(name), ...sockets]).catch(() => {});
  }
}

function blockArgs(options: WaitOptions): string[] {
  return options.wait === false ? ['--no-block'] : [];
}

/** How long a start may take before the command gives up waiting (WaitOptions.timeoutMs). */
const START_WAIT_MS = 60_000;

export async function startSystemdService(nameInput: unknown, options: WaitOptions & SystemdScope = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'systemd');
  // systemctl waits on its own and says nothing meanwhile: report the pending state it enters.
  options.onProgress?.({ state: 'starting', checkPoint: 0, waitHint: 0 });
  await startJob(name, 'start', options);
}

export async function stopSystemdService(nameInput: unknown, options: StopOptions & SystemdScope = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'systemd');
  options.onProgress?.({ state: 'stopping', checkPoint: 0, waitHint: 0 });
  // Unbounded unless asked: the unit's TimeoutStopSec already bounds a stop.
  // Its sockets stop too: a socket left listening would start it again at the next connection. (start pulls them in: Requires=.)
  await systemctl(options, ['stop', ...blockArgs(options)], name, [serviceUnitName(name), ...installedSocketUnits(unitPath(name, options))], options.timeoutMs);
}

export async function restartSystemdService(nameInput: unknown, options: WaitOptions & SystemdScope = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'systemd');
  options.onProgress?.({ state: 'stopping', checkPoint: 0, waitHint: 0 });
  await startJob(name, 'restart', options);
}

/**
 * A start or restart job, bounded by `timeoutMs` (exit 7 at the deadline);
 * when the job fails, the error says what the program did and what systemd
 * does next (ERR_SERVICEHOST_START_FAILED, exit 8).
 */
async function startJob(name: string, verb: 'start' | 'restart', options: WaitOptions & SystemdScope, by: 'install' | 'verb' = 'verb'): Promise<void> {
  const began = Date.now();
  try {
    await systemctl(options, [verb, ...blockArgs(options)], name, [serviceUnitName(name)], options.timeoutMs ?? START_WAIT_MS);
  } catch (error) {
    if (!(error instanceof ServiceManagerError) || error.code !== 'ERR_SERVICEHOST_COMMAND_FAILED' || !/job for .* failed/iu.test(error.message)) throw error;
    const shown = parseSystemctlShow(await systemctl(options, ['show', `--property=${START_FAILURE_SHOWN.join(',')}`], name, [serviceUnitName(name)]).catch(() => ''));
    const failed = new ServiceManagerError('ERR_SERVICEHOST_START_FAILED', name, describeStartFailure(name, shown, by), error);
    throw await withStartOutput(failed, () => startOutput(name, options, began));
  }
}

/**
 * What the program wrote since the start began, from the journal. journald
 * reads a service's stdout on its own schedule, so an empty answer is asked
 * again for up to a second.
 */
async function startOutput(name: string, scope: SystemdScope, began: number): Promise<string[]> {
  const query: JournalQuery = { unit: serviceUnitName(name), user: scope.user === true, lines: START_FAILURE_LINES, since: began };
  const deadline = Date.now() + 1000;
  for (;;) {
    const lines: string[] = [];
    for await (const line of readJournal(query, { ...(scope.commands ? { commands: scope.commands } : {}), service: name })) lines.push(line);
    if (lines.length > 0 || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The unit's output from the journal (journalctl --unit, or --user-unit for a user unit). */
export async function logsSystemdService(nameInput: unknown, options: ResolvedLogsOptions & SystemdScope = {}): Promise<ServiceLog> {
  const name = checkServiceName(nameInput, 'systemd');
  requireUnit(name, options, 'read the output of');
  // journalctl --root reads the image's journal folders: none may be a link to another journal (this machine's).
  if (options.root !== undefined) for (const folder of JOURNAL_FOLDERS) checkReadInRoot(path.join(path.resolve(options.root), folder), options.root, name, 'read the output of');
  const query: JournalQuery = {
    unit: serviceUnitName(name),
    user: options.user === true,
    ...(options.root === undefined ? {} : { root: options.root }),
    ...(options.lines === undefined ? {} : { lines: options.lines }),
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.follow ? { follow: true } : {}),
  };
  const reading = { ...(options.commands ? { commands: options.commands } : {}), ...(options.signal ? { signal: options.signal } : {}), service: name };
  return serviceLog(`journalctl ${journalctlArgs(query).join(' ')}`, (notices) => readJournal(query, { ...reading, notices }));
}

/** Where journalctl --root reads an image's journal: the persistent one and the volatile one. */
const JOURNAL_FOLDERS = [path.join('var', 'log', 'journal'), path.join('run', 'log', 'journal')];

const SHOWN = ['Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'Result', 'MainPID', 'ExecMainStatus', 'UnitFileState', 'NRestarts', 'User'];

/** A setting of our own unit file, unescaped: the first `key=` line. */
function unitSetting(text: string, key: string): string | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

export async function querySystemdService(nameInput: unknown, scope: SystemdScope = {}): Promise<ServiceInfo> {
  const name = checkServiceName(nameInput, 'systemd');
  const file = requireUnit(name, scope, 'query');
  const text = readFileSync(file, 'utf8');
  const argv = parseSystemdCommandLine(unitSetting(text, 'ExecStart') ?? '');
  const shown = parseSystemctlShow(await systemctl(scope, ['show', `--property=${SHOWN.join(',')}`], name, [serviceUnitName(name)]));
  const sockets = readSocketUnits(file);
  return serviceInfoOf(name, shown, {
    description: (shown.Description ?? unitSetting(text, 'Description') ?? '').replaceAll('%%', '%'),
    account: unitSetting(text, 'User') ?? (scope.user ? os.userInfo().username : 'root'),
    argv,
    workingDirectory: unitSetting(text, 'WorkingDirectory')?.replaceAll('%%', '%'),
    unitPath: file,
    ...(sockets.length > 0 ? { sockets } : {}),
  });
}

/** Our units: the files in the unit directory that begin with servicehost's marker. */
export async function listSystemdServices(filter: ListFilter & SystemdScope = {}): Promise<ServiceSummary[]> {
  const directory = systemdUnitDirectory(filter);
  if (filter.root !== undefined) checkReadInRoot(directory, filter.root, path.resolve(filter.root), 'list the services in');
  const entries = existsSync(directory) ? readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.name.endsWith('.service')) : [];
  // Under --root a unit that is a link is not ours (servicehost writes files), and is not read through.
  const ours = (entry: Dirent) => !(filter.root !== undefined && entry.isSymbolicLink()) && readFileSync(path.join(directory, entry.name), 'utf8').startsWith(UNIT_MARKER);
  const names = entries
    .filter((entry) => filter.servicehostOnly === false || ours(entry))
    .map((entry) => entry.name.slice(0, -'.service'.length))
    .filter((name) => matchesName(name, filter.match));
  const summaries: ServiceSummary[] = [];
  for (const name of names) {
    if (filter.root !== undefined) {
      summaries.push({ name, displayName: name, state: 'unknown', pid: undefined });
      continue;
    }
    const info = await querySystemdService(name, filter);
    summaries.push({ name, displayName: info.displayName, state: info.state, pid: info.pid });
  }
  return summaries;
}

/** systemd behind servicehost/manage. */
export const systemdManager: ServiceManager = {
  platform: 'systemd',
  install: installSystemdService,
  configure: configureSystemdService,
  uninstall: uninstallSystemdService,
  start: startSystemdService,
  stop: stopSystemdService,
  restart: restartSystemdService,
  query: querySystemdService,
  list: listSystemdServices,
  logs: logsSystemdService,
};
