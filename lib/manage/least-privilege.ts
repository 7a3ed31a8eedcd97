// The checks every manager makes before it installs a service that runs with
// more rights than its installer's own: what it runs must not be changeable
// by another user (POSIX modes here, ACLs on Windows), and the result says
// when a service runs as root.
import { ServiceManagerError } from './errors';
import { runPaths, type ResolvedSpec } from './spec';
import * as path from 'node:path';
import { writableByOthers, type WritableFinding } from './writable-paths';

/** Refuses, unless spec.allowWritable, when `findings` name anything others can change. */
export function refuseWritable(spec: ResolvedSpec, findings: readonly WritableFinding[], account: string): void {
  if (findings.length === 0 || spec.allowWritable) return;
  const listed = findings.map((finding) => `  ${finding.path}: ${finding.why}`).join('\n');
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSAFE_PATH',
    spec.name,
    `Refusing to install "${spec.name}": it would run as ${account} from files another user can change, who could then run code as ${account}:\n${listed}\n` +
      'Install the program where only root (or the service\'s account) can write (e.g. /opt or /srv, owned by root), or pass --allow-writable (allowWritable: true) to accept it.',
  );
}

/** The POSIX check for a service that runs as the users `trustedUids` (root is always trusted). */
export function checkRunPathsPosix(spec: ResolvedSpec, trustedUids: readonly number[], account: string, alsoRuns: readonly string[] = []): void {
  refuseWritable(spec, writableByOthers([...runPaths(spec), ...alsoRuns], trustedUids), account);
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
