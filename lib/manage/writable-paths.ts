// Least privilege: what a service runs must not be changeable by a user other
// than the service's own account or root. `sudo servicehost install -- ./server.js`
// from a user's checkout would otherwise run, as root, files that user can
// rewrite: the script, its folder, servicehost's register module, node itself.
// POSIX modes here; Windows ACLs are checked natively (windows-manager.ts).
import { execFileSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface WritableFinding {
  path: string;
  why: string;
}

/** A user's uid from the password database, or undefined. */
export function uidOf(user: string): number | undefined {
  if (/^\d+$/u.test(user)) return Number(user);
  try {
    const fields = execFileSync('getent', ['passwd', '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(':');
    return fields[0] === user && fields[2] !== undefined ? Number(fields[2]) : undefined;
  } catch {
    return undefined;
  }
}

function why(file: string, trusted: ReadonlySet<number>): string | undefined {
  const stat = statSync(file);
  if (!trusted.has(stat.uid)) return `owned by uid ${stat.uid}`;
  if ((stat.mode & 0o002) !== 0 && !(stat.isDirectory() && (stat.mode & 0o1000) !== 0)) return 'writable by everyone';
  // A group other than root's that may write: its members are other users.
  if ((stat.mode & 0o020) !== 0 && stat.gid !== 0 && !(stat.isDirectory() && (stat.mode & 0o1000) !== 0)) return `writable by group ${stat.gid}`;
  return undefined;
}

/**
 * Each of `paths` and every folder above it that a user outside `trustedUids`
 * (root is always trusted) could change: by owning it, or by a mode that lets
 * others write. A sticky folder (/tmp) does not count: nobody may replace
 * another's entry in it. Paths that do not exist are left out.
 */
export function writableByOthers(paths: readonly string[], trustedUids: readonly number[]): WritableFinding[] {
  const trusted = new Set([0, ...trustedUids]);
  const findings = new Map<string, string>();
  for (const start of paths) {
    let current: string;
    try {
      current = realpathSync(start);
    } catch {
      continue;
    }
    for (;;) {
      if (!findings.has(current)) {
        const reason = why(current, trusted);
        if (reason) findings.set(current, reason);
      }
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return [...findings].map(([file, reason]) => ({ path: file, why: reason }));
}
