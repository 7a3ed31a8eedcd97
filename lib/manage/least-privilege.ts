// The checks every manager makes before it installs a service that runs with
// more rights than its installer's own: what it runs must not be changeable
// by another user (POSIX modes here, ACLs on Windows), and the result says
// when a service runs as root.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Accounts } from './accounts';
import { ServicehostError } from '../errors';
import { ServiceManagerError } from './errors';
import { nativeAclReader } from './posix-acl';
import { envFileVariables } from './delivered-files';
import { ENV_FILE_OPTIONS, ENV_PATHS, inspectorOptionsOf, preloadTarget, preloadsOf, resolvePreload, servicePreloads, splitNodeOptions } from './preloads';
import { checkTrust, type TrustOptions, type WritableFinding } from './run-tree';
import { accessFindings, type AccessFinding, type AccessTarget, type ServiceAccount } from './run-access';
import { runPaths, type ResolvedSpec } from './spec';
import { showValue } from '../validate';

/** At most this many findings are listed; the rest are counted. */
const LISTED = 20;

/**
 * Refuses, unless spec.allowWritable (then returns a warning for each), when `findings` name anything others can
 * change, the service opens the inspector (whoever reaches its port runs
 * code as the service's account: every local user, at least), or a preload is
 * code no file check can follow (a data: URL can import any file). With
 * `root` (an offline root), the env files read are the ones inside it.
 */
export function refuseWritable(spec: ResolvedSpec, findings: readonly WritableFinding[], account: string, root?: string): string[] {
  const all = [...findings, ...optionFindings(spec, account, serviceEnvironments(spec, placedIn(root)))];
  if (all.length === 0) return [];
  // What the override let through is said, each path, so that accepting it is never silent.
  if (spec.allowWritable) return all.map((finding) => `accepted with --allow-writable (allowWritable): ${finding.path}: ${finding.why}`);
  const listed = all.slice(0, LISTED).map((finding) => `  ${finding.path}: ${finding.why}`).join('\n') +
    (all.length > LISTED ? `\n  and ${all.length - LISTED} more` : '');
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSAFE_PATH',
    spec.name,
    `Refusing to install "${spec.name}": it would run as ${account} from files another user can change, who could then run code as ${account}:\n${listed}\n` +
      'Install the program where only root (or the service\'s account) can write (e.g. /opt or /srv, owned by root), or pass --allow-writable (allowWritable: true) to accept it.',
  );
}

/**
 * What the service's node arguments and NODE_OPTIONS (its own, each env
 * file's) refuse by themselves, as findings: the inspector options, and each
 * preload that is code no file check can follow (a data:, http: or other URL).
 */
function optionFindings(spec: ResolvedSpec, account: string, seen: ReturnType<typeof serviceEnvironments>): WritableFinding[] {
  const sources = [
    { args: spec.nodeArgs, where: 'a node argument' },
    ...seen.environments.map((env) => ({ args: splitNodeOptions(env.NODE_OPTIONS ?? ''), where: 'in NODE_OPTIONS' })),
  ];
  return sources.flatMap(({ args, where }) => [
    ...inspectorOptionsOf(args).map((option) => ({ path: `${option} (${where})`, why: `opens the inspector: any local user who reaches its port runs code as ${account}` })),
    ...preloadsOf(args).flatMap((preload) => {
      const target = preloadTarget(preload, spec.workingDirectory);
      return 'unseen' in target ? [{ path: `${preload.option} ${showValue(preload.value)} (${where})`, why: target.unseen }] : [];
    }),
  ]);
}

/** Each node_modules folder node would search from `folder`: its own and every one above it. */
function nodeModulesAbove(folder: string): string[] {
  const found: string[] = [];
  for (let current = folder; ; current = path.dirname(current)) {
    if (path.basename(current) !== 'node_modules') found.push(path.join(current, 'node_modules'));
    if (path.dirname(current) === current) return found;
  }
}

/** Where a path the service names is on this machine: itself, or inside an offline root. */
type Placed = (file: string) => string;
const asGiven: Placed = (file) => file;
const placedIn = (root: string | undefined): Placed => (root === undefined ? asGiven : (file) => path.join(root, path.resolve(file)));

/**
 * The environments the service starts with, for what steers node's loading:
 * its own variables, then each env file's, systemd's and those a node argument
 * names (an env file can set NODE_OPTIONS too, so whoever can write it can run
 * code as the service).
 */
function serviceEnvironments(spec: ResolvedSpec, at: Placed = asGiven): { environments: Array<Readonly<Record<string, string>>>; warnings: string[] } {
  const named = preloadsOf(spec.nodeArgs).filter((preload) => ENV_FILE_OPTIONS.includes(preload.option));
  const files = new Set([...spec.envFiles, ...named.map((preload) => path.resolve(spec.workingDirectory, preload.value))].map(at));
  const read = envFileVariables([...files]);
  return { environments: [spec.env, ...read.variables], warnings: read.warnings };
}

/** The files node arguments and NODE_OPTIONS (the service's own, each env file's) make node load, resolved from the working directory; a warning for each that cannot be. */
export function preloadFiles(spec: ResolvedSpec, seen = serviceEnvironments(spec), at: Placed = asGiven): { files: string[]; folders: string[]; warnings: string[] } {
  const files: string[] = [];
  const folders: string[] = [];
  const warnings: string[] = [...seen.warnings];
  const preloads = [...servicePreloads(spec.nodeArgs, {}), ...seen.environments.flatMap((env) => servicePreloads([], env))];
  const inImage = at === asGiven ? undefined : at('/');
  for (const preload of preloads) {
    // A path (absolute, or relative to the working directory, a file: URL) is
    // the image's path, placed once, so that `..` stops at an offline root as
    // it would in the image; a bare name is looked up from the working
    // directory as node does.
    const resolved = resolvePreload(preload, spec.workingDirectory, at);
    if ('unseen' in resolved) continue; // refused by refuseWritable (optionFindings)
    if ('none' in resolved) warnings.push(`${preload.option} ${preload.value}: ${resolved.none}, so it was not checked`);
    // A bare name looked up past the root's top reaches this machine's files, not the image's.
    else if (inImage !== undefined && !isInside(resolved.file, inImage)) warnings.push(`${preload.option} ${preload.value}: resolves outside the offline root (${resolved.file}), so it was not checked`);
    else if (preload.folder) folders.push(resolved.file);
    else files.push(resolved.file);
  }
  return { files, folders, warnings };
}

/** The files and folders the environments name (ENV_PATHS: LD_PRELOAD, SERVICEHOST_ADDON, OPENSSL_CONF, ...), from the working directory. */
function environmentPaths(spec: ResolvedSpec, environments: ReadonlyArray<Readonly<Record<string, string>>>, at: Placed): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [];
  for (const env of environments) {
    for (const [variable, { reads, split }] of Object.entries(ENV_PATHS)) {
      const value = env[variable];
      if (value === undefined) continue;
      for (const item of (split === undefined ? [value] : value.split(split)).filter(Boolean)) {
        (reads === 'file' ? files : folders).push(at(path.resolve(spec.workingDirectory, item)));
      }
    }
  }
  return { files, folders };
}

/** What the Windows check asks about: the run paths, each preload and each file or folder the environment names. It does not walk the trees below them: one ACL read per entry is too slow for a whole node_modules. */
export function windowsRunPaths(spec: ResolvedSpec): string[] {
  const seen = serviceEnvironments(spec);
  const preloads = preloadFiles(spec, seen);
  const named = environmentPaths(spec, seen.environments, asGiven);
  return [...runPaths(spec), ...preloads.files, ...preloads.folders, ...named.files, ...named.folders];
}

/**
 * What a POSIX service runs and loads code from: `paths` are checked entry by
 * entry as given (node, the script, the register module, the working
 * directory, each preload, each file the environment names, `alsoRuns`),
 * `trees` are walked (the script's folder, the working directory, each
 * preload's folder, each folder the environment names, and every
 * node_modules above them). `warnings` say what could not be checked. With
 * `root` (an offline root), every path is the one inside it.
 */
export function runTargets(spec: ResolvedSpec, alsoRuns: readonly string[] = [], root?: string): { paths: string[]; trees: string[]; opens: AccessTarget[]; warnings: string[] } {
  const at = placedIn(root);
  const paths = [...runPaths(spec), ...alsoRuns].map(at);
  // What the service's own process opens, of those: env files (EnvironmentFile=) and credentials are read by systemd, as root (elsewhere an env file is node's --env-file, a preload below).
  const opens: AccessTarget[] = [
    { path: at(spec.node), access: 'run' },
    ...[spec.script, ...(spec.registerModule === undefined ? [] : [spec.registerModule]), ...alsoRuns].map((file) => ({ path: at(file), access: 'read' as const })),
    { path: at(spec.workingDirectory), access: 'enter' },
  ];
  const warnings: string[] = [];
  const codeFolders = [path.dirname(spec.script), spec.workingDirectory, ...(spec.registerModule === undefined ? [] : [path.dirname(spec.registerModule)])].map(at);
  const seen = serviceEnvironments(spec, at);
  const preloads = preloadFiles(spec, seen, at);
  warnings.push(...preloads.warnings);
  for (const file of preloads.files) {
    paths.push(file);
    codeFolders.push(path.dirname(file));
  }
  const named = environmentPaths(spec, seen.environments, at);
  paths.push(...named.files, ...preloads.folders, ...named.folders);
  opens.push(...[...preloads.files, ...named.files].map((file) => ({ path: file, access: 'read' as const })), ...[...preloads.folders, ...named.folders].map((folder) => ({ path: folder, access: 'list' as const })));
  codeFolders.push(...preloads.folders, ...named.folders);
  const trees = new Set<string>();
  for (const folder of codeFolders) {
    // The whole file system is no tree to walk: a working directory of / (or C:\\) is checked as a path only.
    if (path.parse(folder).root === folder) warnings.push(`${folder} is the root of a file system: the folders below it were not walked`);
    else if (root !== undefined && path.resolve(folder) === path.resolve(root)) warnings.push(`${root} is the offline root itself: the folders below it were not walked`);
    else trees.add(folder);
    for (const modules of nodeModulesAbove(folder)) if (existsSync(modules) && (root === undefined || isInside(modules, root))) trees.add(modules);
  }
  const missing = root === undefined ? [] : [...new Set(paths)].filter((file) => !existsSync(file));
  if (missing.length > 0) warnings.push(`not there yet in the offline root ${root}, so not checked (the folders above them were): ${missing.map((file) => path.relative(root!, file)).map((file) => `/${file}`).join(', ')}`);
  return { paths, trees: [...trees], opens, warnings: [...new Set(warnings)] };
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The POSIX check for a service that runs as the users `trustedUids` (root is
 * always trusted); returns what it could not check. With `root`, what the unit
 * names is checked inside that offline root. A check that cannot finish
 * refuses (it never passes what it did not see).
 */
export function checkRunPathsPosix(spec: ResolvedSpec, trustedUids: readonly number[], account: string, alsoRuns: readonly string[] = [], options: Partial<TrustOptions> = {}, root?: string, runner?: ServiceAccount): string[] {
  let targets: ReturnType<typeof runTargets>;
  let result: ReturnType<typeof checkTrust>;
  try {
    targets = runTargets(spec, alsoRuns, root);
    result = checkTrust(targets.paths, targets.trees, { trustedUids, accounts: new Accounts(), readAcl: nativeAclReader(), ...(root === undefined ? {} : { root }), ...options });
  } catch (error) {
    if (error instanceof ServicehostError) throw error;
    if (spec.allowWritable) return [`the least-privilege check could not finish (${(error as Error).message}): accepted with --allow-writable`];
    throw new ServiceManagerError(
      'ERR_SERVICEHOST_UNSAFE_PATH',
      spec.name,
      `Refusing to install "${spec.name}": the least-privilege check could not finish (${(error as Error).message}), so what it runs was not seen to be safe. Fix what the message names, or pass --allow-writable (allowWritable: true) to accept it.`,
      error,
    );
  }
  const accepted = refuseWritable(spec, result.findings, account, root);
  const readAcl = 'readAcl' in options ? options.readAcl : nativeAclReader();
  const unreadable = runner === undefined ? [] : refuseUnreadable(spec, accessFindings(targets.opens, runner, readAcl, root), runner, readAcl !== undefined);
  return [...targets.warnings, ...result.warnings, ...accepted, ...unreadable];
}

/**
 * Refuses when `account` cannot reach what the service opens (`findings`):
 * it could never start. No flag overrides it. Where ACLs cannot be read
 * (`aclsRead` false: not Linux), an ACL could still let the account in, so
 * the findings are warnings.
 */
export function refuseUnreadable(spec: ResolvedSpec, findings: readonly AccessFinding[], account: ServiceAccount, aclsRead = true): string[] {
  if (findings.length === 0) return [];
  const lines = findings.map((finding) => `${finding.path}${finding.blocked === finding.path ? '' : `, at ${finding.blocked}`} (${finding.entry}): ${account.label} may not ${finding.lacks}`);
  if (!aclsRead) return lines.map((line) => `${line}, by its mode (its ACL was not read): the service may not be able to start`);
  const who = account.uid === undefined ? `${account.label} (its uid is made at start, so only what everyone may do counts)` : account.label;
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNREADABLE_PATH',
    spec.name,
    `Refusing to install "${spec.name}": it would run as ${who}, who cannot reach what the service opens, so it could never start:\n` +
      `${lines.map((line) => `  ${line}`).join('\n')}\n` +
      (account.uid === undefined
        ? 'Let everyone search each folder named (chmod o+x) and read each file (chmod o+r), move the program where everyone can (e.g. /opt or /srv, root\'s, 0755), or run it as an account that can reach it (--run-as, systemd.runAs).'
        : `Let ${account.label} in: each folder named searchable (x) and each file readable (r) for it (chmod o+x, chgrp to one of its groups with g+x, or setfacl -m u:${account.label}:x), move the program where it can reach it (e.g. /opt or /srv, root's, 0755), or run it as an account that can.`),
  );
}

/**
 * The Windows check: `writers(path)` names who besides administrators may
 * change a path (its ACL); each run path and every folder above it is asked.
 * Paths that cannot be read (gone, or no access) are left out.
 */
export function windowsFindings(paths: readonly string[], writers: (file: string) => Array<{ who: string; why: string }>): WritableFinding[] {
  const findings = new Map<string, string>();
  const asked = new Set<string>();
  for (const start of paths) {
    for (let current = path.win32.resolve(start); ; ) {
      if (!asked.has(current)) {
        asked.add(current);
        try {
          const found = writers(current);
          if (found.length > 0) findings.set(current, found.map((writer) => `${writer.who} ${writer.why}`).join('; '));
        } catch {
          // Not there, or not readable: nothing the service could run from it.
        }
      }
      const parent = path.win32.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return [...findings].map(([file, why]) => ({ path: file, why }));
}
