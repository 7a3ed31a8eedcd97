// The other half of running as a smaller account: that account must be able
// to reach what it runs. A service installed with --run-as or --dynamic-user
// whose program sits in a folder only root may enter installs fine and then
// fails at every start ("Cannot find module"); under --root nothing starts,
// so nothing would ever say so. Each path the service's own process opens is
// looked up entry by entry as the kernel will (run-tree.ts's lookup), and
// each folder on the way must let the account search it (x), the file itself
// read it (r; node itself, run it: x), by the mode bits or the POSIX ACL the
// trust check reads (posix-acl.ts aclAllows: the kernel's rule). Root is never
// asked: it reads everything.
import { lstatSync, type Stats } from 'node:fs';
import type { Accounts } from './accounts';
import { ACL_ACCESS, EXECUTE, READ, aclAllows, modeAcl, parseAcl, type AclEntry, type AclReader, type Credentials } from './posix-acl';
import { imageLookup, resolveIn } from './run-tree';

/** What the service's process does with a path: reads the file, runs it (node), enters the folder (its working directory), or reads the folder's files. */
export type Access = 'read' | 'run' | 'enter' | 'list';

export interface AccessTarget {
  path: string;
  access: Access;
}

/** The account a service runs as, as the kernel will see it; `label` names it in messages. */
export interface ServiceAccount extends Credentials {
  label: string;
}

export interface AccessFinding {
  /** The path the service opens. */
  path: string;
  /** The entry that stops it (the path itself, or a folder on the way). */
  blocked: string;
  /** What the account may not do there: 'search it (x)', 'read it (r)', ... */
  lacks: string;
  /** The entry's owner, group and mode, as `ls -ln` shows them. */
  entry: string;
}

/**
 * The account of `user` (a name or a number) with `group` (Group=, a name or a
 * number) or its own primary group, and every group that lists it (as
 * initgroups gives a service); undefined when the account is unknown.
 */
export function serviceAccount(accounts: Accounts, user: string, group?: string): ServiceAccount | undefined {
  const entry = /^\d+$/u.test(user) ? accounts.users.find((candidate) => candidate.uid === Number(user)) : accounts.user(user);
  if (entry === undefined) return undefined;
  const gid = group === undefined ? entry.gid : /^\d+$/u.test(group) ? Number(group) : accounts.groups.find((candidate) => candidate.name === group)?.gid;
  if (gid === undefined) return undefined;
  return { label: user, uid: entry.uid, gids: [...new Set([gid, ...accounts.memberOf(entry.name)])] };
}

/** systemd's DynamicUser=: its uid and group are made at start, so only what others may do counts. */
export const DYNAMIC_ACCOUNT: ServiceAccount = { label: 'a dynamic user', uid: undefined, gids: [] };

const BITS: Record<'r' | 'run' | 'x' | 'rx', { want: number; lacks: string }> = {
  r: { want: READ, lacks: 'read it (r)' },
  run: { want: EXECUTE, lacks: 'run it (x)' },
  x: { want: EXECUTE, lacks: 'search it (x)' },
  rx: { want: READ | EXECUTE, lacks: 'list and search it (rx)' },
};

/**
 * For each target, the first entry on its way (or itself) that `account`
 * cannot pass, as the kernel will look it up (inside `root`, an offline root,
 * as the booted image will). A path not there yet is judged as far as it
 * goes. `readAcl` undefined: mode bits only.
 */
export function accessFindings(targets: readonly AccessTarget[], account: ServiceAccount, readAcl: AclReader | undefined, root?: string): AccessFinding[] {
  const findings: AccessFinding[] = [];
  const rootReal = root === undefined ? undefined : resolveIn(root);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(`${target.access}:${target.path}`)) continue;
    seen.add(`${target.access}:${target.path}`);
    const found = imageLookup(target.path, root, rootReal);
    for (const entry of found.entries) {
      let stat: Stats;
      try {
        stat = lstatSync(entry);
      } catch {
        break; // gone since the lookup
      }
      if (stat.isSymbolicLink()) continue; // a link's own mode is never checked; what it leads to is met next
      const last = entry === found.resolved;
      const bits = !stat.isDirectory() ? (target.access === 'run' ? 'run' : 'r') : last && target.access === 'list' ? 'rx' : 'x';
      // A folder is searched only to go on, or when the service enters it; the file at the end is opened.
      if (stat.isDirectory() && last && target.access !== 'enter' && target.access !== 'list') continue;
      if (!stat.isDirectory() && !last) continue;
      if (!aclAllows(entriesOf(entry, stat, readAcl), { uid: stat.uid, gid: stat.gid }, account, BITS[bits].want)) {
        findings.push({ path: target.path, blocked: entry, lacks: BITS[bits].lacks, entry: `owner uid ${stat.uid}, group ${stat.gid}, mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}` });
        break;
      }
    }
  }
  return findings;
}

/** The entry's POSIX ACL when it has one (and it can be read), else its mode as one. */
function entriesOf(entry: string, stat: Stats, readAcl: AclReader | undefined): AclEntry[] {
  try {
    const value = readAcl?.(entry, ACL_ACCESS);
    if (value !== undefined) return parseAcl(value);
  } catch {
    // An ACL that cannot be read: the trust check says so; here the mode decides.
  }
  return modeAcl(stat.mode);
}
