// The checks every manager makes before it installs a service that runs with
// more rights than its installer's own: what it runs must not be changeable
// by another user (POSIX modes here, ACLs on Windows), and the result says
// when a service runs as root.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Accounts } from './accounts';
import { ServiceManagerError } from './errors';
import { nativeAclReader } from './posix-acl';
import { envFileVariables } from './delivered-files';
import { resolvePreload, servicePreloads } from './preloads';
import { checkTrust, type TrustOptions, type WritableFinding } from './run-tree';
import { runPaths, type ResolvedSpec } from './spec';

/** At most this many findings are listed; the rest are counted. */
const LISTED = 20;

/** Refuses, unless spec.allowWritable, when `findings` name anything others can change. */
export function refuseWritable(spec: ResolvedSpec, findings: readonly WritableFinding[], account: string): void {
  if (findings.length === 0 || spec.allowWritable) return;
  const listed = findings.slice(0, LISTED).map((finding) => `  ${finding.path}: ${finding.why}`).join('\n') +
    (findings.length > LISTED ? `\n  and ${findings.length - LISTED} more` : '');
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSAFE_PATH',
    spec.name,
    `Refusing to install "${spec.name}": it would run as ${account} from files another user can change, who could then run code as ${account}:\n${listed}\n` +
      'Install the program where only root (or the service\'s account) can write (e.g. /opt or /srv, owned by root), or pass --allow-writable (allowWritable: true) to accept it.',
  );
}

/** Each node_modules folder node would search from `folder`: its own and every one above it. */
function nodeModulesAbove(folder: string): string[] {
  const found: string[] = [];
  for (let current = folder; ; current = path.dirname(current)) {
    if (path.basename(current) !== 'node_modules') found.push(path.join(current, 'node_modules'));
    if (path.dirname(current) === current) return found;
  }
}

/**
 * The environments the service starts with, for what steers node's loading:
 * its own variables, then each env file's (an env file can set NODE_OPTIONS
 * too, so whoever can write it can run code as the service).
 */
function serviceEnvironments(spec: ResolvedSpec): { environments: Array<Readonly<Record<string, string>>>; warnings: string[] } {
  const files = envFileVariables(spec.envFiles);
  return { environments: [spec.env, ...files.variables], warnings: files.warnings };
}

/** The files node arguments and NODE_OPTIONS (the service's own, each env file's) make node load, resolved from the working directory; a warning for each that cannot be. */
export function preloadFiles(spec: ResolvedSpec, seen = serviceEnvironments(spec)): { files: string[]; warnings: string[] } {
  const files: string[] = [];
  const warnings: string[] = [...seen.warnings];
  const preloads = [...servicePreloads(spec.nodeArgs, {}), ...seen.environments.flatMap((env) => servicePreloads([], env))];
  for (const preload of preloads) {
    const resolved = resolvePreload(preload, spec.workingDirectory);
    if ('none' in resolved) warnings.push(`${preload.option} ${preload.value}: ${resolved.none}, so it was not checked`);
    else files.push(resolved.file);
  }
  return { files, warnings };
}

/** What the Windows check asks about: the run paths and each preload. It does not walk the trees below them: one ACL read per entry is too slow for a whole node_modules. */
export function windowsRunPaths(spec: ResolvedSpec): string[] {
  return [...runPaths(spec), ...preloadFiles(spec).files];
}

/**
 * What a POSIX service runs and loads code from: `paths` are checked entry by
 * entry as given (node, the script, the register module, the working
 * directory, each preload, `alsoRuns`), `trees` are walked (the script's
 * folder, the working directory, each preload's folder, NODE_PATH, and every
 * node_modules above them). `warnings` say what could not be checked.
 */
export function runTargets(spec: ResolvedSpec, alsoRuns: readonly string[] = []): { paths: string[]; trees: string[]; warnings: string[] } {
  const paths = [...runPaths(spec), ...alsoRuns];
  const warnings: string[] = [];
  const codeFolders = [path.dirname(spec.script), spec.workingDirectory, ...(spec.registerModule === undefined ? [] : [path.dirname(spec.registerModule)])];
  const seen = serviceEnvironments(spec);
  const preloads = preloadFiles(spec, seen);
  warnings.push(...preloads.warnings);
  for (const file of preloads.files) {
    paths.push(file);
    codeFolders.push(path.dirname(file));
  }
  // The dynamic linker loads LD_PRELOAD into node itself and searches LD_LIBRARY_PATH first; NODE_PATH folders are searched for bare requires.
  for (const env of seen.environments) {
    for (const file of (env.LD_PRELOAD ?? '').split(/[\s:]+/u).filter(Boolean)) paths.push(path.resolve(spec.workingDirectory, file));
    for (const variable of ['NODE_PATH', 'LD_LIBRARY_PATH']) {
      for (const folder of (env[variable] ?? '').split(path.delimiter).filter(Boolean)) codeFolders.push(path.resolve(spec.workingDirectory, folder));
    }
  }
  const trees = new Set<string>();
  for (const folder of codeFolders) {
    // The whole file system is no tree to walk: a working directory of / (or C:\\) is checked as a path only.
    if (path.parse(folder).root === folder) warnings.push(`${folder} is the root of a file system: the folders below it were not walked`);
    else trees.add(folder);
    for (const modules of nodeModulesAbove(folder)) if (existsSync(modules)) trees.add(modules);
  }
  return { paths, trees: [...trees], warnings };
}

/** The POSIX check for a service that runs as the users `trustedUids` (root is always trusted); returns what it could not check. */
export function checkRunPathsPosix(spec: ResolvedSpec, trustedUids: readonly number[], account: string, alsoRuns: readonly string[] = [], options: Partial<TrustOptions> = {}): string[] {
  const targets = runTargets(spec, alsoRuns);
  const result = checkTrust(targets.paths, targets.trees, { trustedUids, accounts: new Accounts(), readAcl: nativeAclReader(), ...options });
  refuseWritable(spec, result.findings, account);
  return [...targets.warnings, ...result.warnings];
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
