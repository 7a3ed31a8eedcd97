// The launchd service manager: writes the plist, then drives launchctl
// (bootstrap, bootout, kickstart), always with an argument array.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandPath, type CommandOverrides } from '../commands';
import { checkRunPathsPosix } from '../least-privilege';
import { uidOf } from '../writable-paths';
import { Accounts } from '../accounts';
import { serviceAccount } from '../run-access';
import { ServiceManagerError, translateSystemError } from '../errors';
import { prepareDefinitionFolder } from '../definition-folder';
import { writeFileAtomically } from '../files';
import { matchesName } from '../list-filter';
import { posixCommandLine } from '../shell-quote';
import { parsePlist, renderPlist, type PlistValue } from './plist';
import { checkServiceName } from '../service-name';
import { programArguments, resolveSpec, serviceEnvironment, type ResolvedSpec } from '../spec';
import { checkEnvFileNode } from '../delivered-files';
import { servicehostVersion } from '../version';
import { serviceLog, type ResolvedLogsOptions, type ServiceLog } from '../logs';
import { readFileLog, singleFileLayout } from '../logs-files';
import type { ServiceManager } from '../types';
import type { InstallResult, ListFilter, ServiceInfo, ServiceSummary, WaitOptions } from '../types';

export interface LaunchdScope {
  /** A LaunchAgent of the current user, not a LaunchDaemon. */
  user?: boolean;
  /** Where the plist lives, when not the standard folder. */
  directory?: string;
  /** Act on a plist servicehost did not write. */
  force?: boolean;
  /** Programs to run instead of the standard launchctl (tests). */
  commands?: CommandOverrides;
}

/** The key servicehost marks its plists with; list() looks for it. */
export const PLIST_MARKER_KEY = 'ServicehostVersion';

export function launchdDirectory(scope: LaunchdScope = {}): string {
  if (scope.directory !== undefined) return path.resolve(scope.directory);
  return scope.user ? path.join(os.homedir(), 'Library', 'LaunchAgents') : '/Library/LaunchDaemons';
}

function domain(scope: LaunchdScope): string {
  return scope.user ? `gui/${os.userInfo().uid}` : 'system';
}

// Every argument servicehost passes starts with a domain (system/, gui/<uid>/) or is an absolute path,
// and names never start with '-': nothing reaches launchctl that it could read as an option.
function launchctl(scope: LaunchdScope, args: readonly string[], service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(commandPath('launchctl', scope.commands), [...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const text = `${stderr}`.trim() || error.message;
      const code = /not privileged|operation not permitted|permission denied/iu.test(text)
        ? 'ERR_SERVICEHOST_ACCESS_DENIED'
        : /could not find service|no such process/iu.test(text)
          ? 'ERR_SERVICEHOST_SERVICE_NOT_FOUND'
          : 'ERR_SERVICEHOST_COMMAND_FAILED';
      reject(new ServiceManagerError(code, service, `launchctl ${args.join(' ')} failed: ${text}`, error));
    });
  });
}

/** Where a job's output goes unless the spec says otherwise: one file for stdout and stderr, under servicehost's own folder of the Logs folder. */
export function launchdOutputPath(name: string, user: boolean): string {
  return path.join(user ? path.join(os.homedir(), 'Library', 'Logs') : '/Library/Logs', 'servicehost', name, 'output.log');
}

/** The plist's contents for `spec`. */
export function launchdPlist(spec: ResolvedSpec, version: string): { [key: string]: PlistValue } {
  const options = spec.launchd;
  const label = options.label ?? spec.name;
  const output = launchdOutputPath(spec.name, options.user === true);
  const plist: { [key: string]: PlistValue } = {
    Label: label,
    [PLIST_MARKER_KEY]: version,
    ProgramArguments: [spec.node, ...programArguments(spec)],
    WorkingDirectory: spec.workingDirectory,
    RunAtLoad: options.runAtLoad ?? true,
    KeepAlive: typeof options.keepAlive === 'boolean' ? options.keepAlive : { SuccessfulExit: options.keepAlive?.successfulExit ?? false },
    // launchd's SIGKILL waits this long after SIGTERM: the program's own deadline plus 5 s.
    ExitTimeOut: Math.ceil(spec.stopTimeoutMs / 1000) + 5,
    ProcessType: 'Standard',
    // One file for both, so stdout and stderr lines stay in the order they were written (as the Windows capture keeps them).
    StandardOutPath: options.stdoutPath ?? output,
    StandardErrorPath: options.stderrPath ?? output,
  };
  plist.EnvironmentVariables = serviceEnvironment(spec);
  if (!options.user && options.userName !== undefined) plist.UserName = options.userName;
  if (!options.user && options.groupName !== undefined) plist.GroupName = options.groupName;
  return plist;
}

/** Which launchd domain the spec is for (a LaunchDaemon, or a LaunchAgent), the folder its plist goes in, and the launchctl to run. */
function launchdScopeOf(spec: ResolvedSpec): LaunchdScope {
  return { user: spec.launchd.user === true, ...(spec.launchd.directory === undefined ? {} : { directory: spec.launchd.directory }), force: spec.force, commands: spec.commands };
}

function plistPath(label: string, scope: LaunchdScope): string {
  return path.join(launchdDirectory(scope), `${label}.plist`);
}


/** A daemon runs as root unless UserName says otherwise, so what it runs is checked (install and configure alike); an agent runs as its user. */
function checkPrivilege(spec: ResolvedSpec): string[] {
  if (spec.launchd.user) return [];
  const accounts = new Accounts();
  const uid = spec.launchd.userName === undefined ? undefined : uidOf(spec.launchd.userName, accounts);
  // The account it runs as must reach what it runs (root reaches everything).
  const runner = spec.launchd.userName === undefined || uid === 0 ? undefined : serviceAccount(accounts, spec.launchd.userName, spec.launchd.groupName);
  return checkRunPathsPosix(spec, uid === undefined ? [] : [uid], spec.launchd.userName ?? 'root', [], {}, undefined, runner);
}

/** launchd opens StandardOutPath and StandardErrorPath but makes no folder: without one the job's output is lost. */
function makeOutputFolders(plist: { [key: string]: PlistValue }, name: string, doing: string): void {
  try {
    for (const log of [plist.StandardOutPath, plist.StandardErrorPath]) mkdirSync(path.dirname(log as string), { recursive: true });
  } catch (error) {
    throw translateSystemError(error, name, doing);
  }
}

export async function installLaunchdService(specInput: unknown): Promise<InstallResult> {
  const spec = resolveSpec(specInput, 'launchd');
  const scope = launchdScopeOf(spec);
  const plist = launchdPlist(spec, servicehostVersion());
  const warnings = [...checkPrivilege(spec), ...(await checkEnvFileNode(spec))];
  const label = plist.Label as string;
  const file = plistPath(label, scope);
  if (existsSync(file)) throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_EXISTS', spec.name, `Cannot install "${spec.name}": ${file} already exists`);
  makeOutputFolders(plist, spec.name, 'install');
  prepareDefinitionFolder(path.dirname(file), [], spec.name, 'install');
  writeFileAtomically(file, renderPlist(plist), spec.name, 'install');
  let started = false;
  if (spec.launchd.directory === undefined) {
    try {
      await launchctl(scope, ['bootstrap', domain(scope), file], spec.name);
      started = plist.RunAtLoad === true;
      if (spec.start && !started) {
        await launchctl(scope, ['kickstart', `${domain(scope)}/${label}`], spec.name);
        started = true;
      }
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
  }
  return { name: spec.name, platform: 'launchd', command: (plist.ProgramArguments as string[]).join(' '), path: file, started, warnings };
}

/** Rewrites an installed plist to match `spec`; a loaded job is booted out and in again so launchd reads it. */
export async function configureLaunchdService(specInput: unknown): Promise<InstallResult> {
  const spec = resolveSpec(specInput, 'launchd');
  const scope = launchdScopeOf(spec);
  const plist = launchdPlist(spec, servicehostVersion());
  const label = plist.Label as string;
  const file = requireOwnPlist(label, scope, 'configure');
  const warnings = [...checkPrivilege(spec), ...(await checkEnvFileNode(spec))];
  makeOutputFolders(plist, spec.name, 'configure');
  prepareDefinitionFolder(path.dirname(file), [], spec.name, 'configure');
  writeFileAtomically(file, renderPlist(plist), spec.name, 'configure');
  let started = false;
  if (spec.launchd.directory === undefined) {
    await launchctl(scope, ['bootout', `${domain(scope)}/${label}`], spec.name).catch(() => {});
    await launchctl(scope, ['bootstrap', domain(scope), file], spec.name);
    started = plist.RunAtLoad === true;
  }
  return { name: spec.name, platform: 'launchd', command: (plist.ProgramArguments as string[]).join(' '), path: file, started, warnings };
}

function requirePlist(name: string, scope: LaunchdScope, doing: string): string {
  const file = plistPath(name, scope);
  if (!existsSync(file)) throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', name, `Cannot ${doing} "${name}": ${file} does not exist`);
  return file;
}

/** requirePlist, and the plist must carry servicehost's marker unless `force`. */
function requireOwnPlist(name: string, scope: LaunchdScope, doing: string): string {
  const file = requirePlist(name, scope, doing);
  let marked = false;
  try {
    marked = PLIST_MARKER_KEY in (parsePlist(readFileSync(file, 'utf8')) as Record<string, PlistValue>);
  } catch {
    // Not a plist servicehost can read: not one it wrote.
  }
  if (!marked && !scope.force) {
    throw new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', name, `Refusing to ${doing} ${file}: servicehost did not write it (no ${PLIST_MARKER_KEY} key); --force acts on it anyway`);
  }
  return file;
}

export async function uninstallLaunchdService(nameInput: unknown, scope: LaunchdScope = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'launchd');
  const file = requireOwnPlist(name, scope, 'uninstall');
  if (scope.directory === undefined) await launchctl(scope, ['bootout', `${domain(scope)}/${name}`], name).catch(() => {});
  try {
    rmSync(file);
  } catch (error) {
    throw translateSystemError(error, name, 'uninstall');
  }
}

export async function startLaunchdService(nameInput: unknown, scope: LaunchdScope & WaitOptions = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'launchd');
  scope.onProgress?.({ state: 'starting', checkPoint: 0, waitHint: 0 });
  await launchctl(scope, ['kickstart', `${domain(scope)}/${name}`], name);
}

export async function stopLaunchdService(nameInput: unknown, scope: LaunchdScope & WaitOptions = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'launchd');
  // SIGTERM, as launchd itself sends at shutdown; KeepAlive may start it again, as it would.
  scope.onProgress?.({ state: 'stopping', checkPoint: 0, waitHint: 0 });
  await launchctl(scope, ['kill', 'SIGTERM', `${domain(scope)}/${name}`], name);
}

export async function restartLaunchdService(nameInput: unknown, scope: LaunchdScope & WaitOptions = {}): Promise<void> {
  const name = checkServiceName(nameInput, 'launchd');
  scope.onProgress?.({ state: 'stopping', checkPoint: 0, waitHint: 0 });
  await launchctl(scope, ['kickstart', '-k', `${domain(scope)}/${name}`], name);
}

/**
 * The job's output: the file its plist names as StandardOutPath (by default
 * also its StandardErrorPath). A plist that sends stderr elsewhere gets a
 * notice naming that file, which is not read.
 */
export async function logsLaunchdService(nameInput: unknown, options: ResolvedLogsOptions & LaunchdScope = {}): Promise<ServiceLog> {
  const name = checkServiceName(nameInput, 'launchd');
  const file = requirePlist(name, options, 'read the output of');
  const plist = parsePlist(readFileSync(file, 'utf8')) as { [key: string]: PlistValue };
  const out = typeof plist.StandardOutPath === 'string' ? plist.StandardOutPath : undefined;
  const err = typeof plist.StandardErrorPath === 'string' ? plist.StandardErrorPath : undefined;
  const target = out ?? err;
  if (target === undefined) return serviceLog(`${file} (no StandardOutPath)`, (notices) => noLines(notices, `${file} names no StandardOutPath or StandardErrorPath: launchd discards the job's output`));
  const elsewhere = out !== undefined && err !== undefined && err !== out ? `stderr goes to ${err}, which is not shown here` : undefined;
  return serviceLog(target, (notices) => {
    if (elsewhere) notices.push(elsewhere);
    return readFileLog(singleFileLayout(target), {
      ...(options.lines === undefined ? {} : { lines: options.lines }),
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.follow ? { follow: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  });
}

// eslint-disable-next-line require-yield
async function* noLines(notices: string[], notice: string): AsyncGenerator<string> {
  notices.push(notice);
}

/** `launchctl print` output: the few fields query() reports. */
export function parseLaunchctlPrint(output: string): { state: string | undefined; pid: number | undefined; lastExitCode: number | undefined } {
  const field = (key: string): string | undefined => new RegExp(`^\\s*${key} = (.+)$`, 'mu').exec(output)?.[1]?.trim();
  const pid = field('pid');
  const exit = field('last exit code');
  return { state: field('state'), pid: pid === undefined ? undefined : Number(pid), lastExitCode: exit === undefined || Number.isNaN(Number(exit)) ? undefined : Number(exit) };
}

export async function queryLaunchdService(nameInput: unknown, scope: LaunchdScope = {}): Promise<ServiceInfo> {
  const name = checkServiceName(nameInput, 'launchd');
  const file = requirePlist(name, scope, 'query');
  const plist = parsePlist(readFileSync(file, 'utf8')) as { [key: string]: PlistValue };
  const argv = Array.isArray(plist.ProgramArguments) ? plist.ProgramArguments.map(String) : [];
  const printed = scope.directory === undefined ? parseLaunchctlPrint(await launchctl(scope, ['print', `${domain(scope)}/${name}`], name).catch(() => '')) : { state: undefined, pid: undefined, lastExitCode: undefined };
  const state = printed.state === 'running' ? 'running' : printed.state === undefined ? 'unknown' : 'stopped';
  return {
    name,
    displayName: name,
    platform: 'launchd',
    state,
    pid: printed.pid,
    description: '',
    exitCode: printed.lastExitCode,
    enabled: plist.RunAtLoad === true,
    account: typeof plist.UserName === 'string' ? plist.UserName : undefined,
    argv,
    commandLine: posixCommandLine(argv),
    workingDirectory: typeof plist.WorkingDirectory === 'string' ? plist.WorkingDirectory : undefined,
    dependencies: [],
    launchd: { plistPath: file, label: String(plist.Label) },
  };
}

export async function listLaunchdServices(filter: ListFilter & LaunchdScope = {}): Promise<ServiceSummary[]> {
  const directory = launchdDirectory(filter);
  const files = existsSync(directory) ? readdirSync(directory).filter((file) => file.endsWith('.plist')) : [];
  const summaries: ServiceSummary[] = [];
  for (const file of files) {
    const name = file.slice(0, -'.plist'.length);
    if (!matchesName(name, filter.match)) continue;
    if (filter.servicehostOnly !== false && !readFileSync(path.join(directory, file), 'utf8').includes(`<key>${PLIST_MARKER_KEY}</key>`)) continue;
    const info = await queryLaunchdService(name, filter);
    summaries.push({ name, displayName: name, state: info.state, pid: info.pid });
  }
  return summaries;
}

/** launchd behind servicehost/manage. */
export const launchdManager: ServiceManager = {
  platform: 'launchd',
  install: installLaunchdService,
  configure: configureLaunchdService,
  uninstall: uninstallLaunchdService,
  start: startLaunchdService,
  stop: stopLaunchdService,
  restart: restartLaunchdService,
  query: queryLaunchdService,
  list: listLaunchdServices,
  logs: logsLaunchdService,
};
