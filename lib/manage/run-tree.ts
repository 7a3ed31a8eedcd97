// The POSIX half of the least-privilege check: for every path a service runs
// (as given, each component and each symlink on the way), and for every
// entry of the trees its code is loaded from, who besides root and the
// service's own account could change it: by owning it, by a mode bit, by a
// POSIX ACL, or as a member of a group that may write. The walk of the trees
// is bounded; what it did not reach is said, not assumed safe.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Accounts } from './accounts';
import { modeWriters } from './files';
import { ACL_ACCESS, ACL_DEFAULT, aclWriters, parseAcl, type AclReader } from './posix-acl';
import { linksToFolder, walkTrees, type WalkBounds } from './tree-walk';

export interface WritableFinding {
  path: string;
  why: string;
}

export interface TrustOptions {
  /** Users who may change what runs: root always, and the service's own account. */
  trustedUids: readonly number[];
  accounts: Accounts;
  /** Reads a POSIX ACL attribute; undefined when ACLs cannot be read here (then a warning says so). */
  readAcl: AclReader | undefined;
  bounds?: WalkBounds;
  now?: () => number;
  /** An offline root: the paths are inside it, and links are followed as the booted image will. */
  root?: string;
}

export interface TrustResult {
  findings: WritableFinding[];
  warnings: string[];
}

const SYMLINK_LIMIT = 40;

/** The kernel's own views: no service's code lives there, and a walk into them meets links even root may not read (/proc/1/cwd). */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];
/** Within them, folders anyone may write files in (tmpfs): a tree there is walked and judged like any other. */
const WRITABLE_IN_SYSTEM_FOLDERS = ['/dev/shm', '/dev/mqueue'];

const within = (real: string, folder: string): boolean => real === folder || real.startsWith(`${folder}/`);

/** Whether a real path is the file system's root or in one of the kernel's views: no tree to walk. */
export function isSystemFolder(real: string): boolean {
  if (WRITABLE_IN_SYSTEM_FOLDERS.some((folder) => within(real, folder))) return false;
  return real === '/' || SYSTEM_FOLDERS.some((folder) => within(real, folder));
}

export interface Lookup {
  /** Each entry met, in order. */
  entries: string[];
  /** Where the path leads (every link followed); undefined when it does not lead anywhere (not there, a loop, a link that cannot be read). */
  resolved: string | undefined;
  /** A link whose target could not be read, and why. */
  unreadable?: { link: string; code: string };
}

/**
 * The kernel's lookup of `given`, entry by entry. With `root` (an offline
 * root) and `given` inside it, the part below the root is looked up as the
 * booted image will: an absolute link target starts again at the root, and
 * `..` stops there.
 */
function lookup(given: string, root?: string): Lookup {
  let entries = ['/'];
  let current = '/';
  let top = '/';
  let pending = path.resolve(given).split('/').filter(Boolean);
  if (root !== undefined) {
    const relative = path.relative(path.resolve(root), path.resolve(given));
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
      const base = lookup(root);
      if (base.resolved === undefined) return base;
      entries = base.entries;
      current = top = base.resolved;
      pending = relative.split('/').filter(Boolean);
    }
  }
  const done = (resolved: string | undefined, unreadable?: Lookup['unreadable']): Lookup => ({ entries: [...new Set(entries)], resolved, ...(unreadable ? { unreadable } : {}) });
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      if (current !== top) current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let stat: Stats;
    try {
      stat = lstatSync(next);
    } catch {
      return done(undefined);
    }
    entries.push(next);
    if (stat.isSymbolicLink()) {
      if (++links > SYMLINK_LIMIT) return done(undefined);
      let target: string;
      try {
        target = readlinkSync(next);
      } catch (error) {
        return done(undefined, { link: next, code: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
      }
      pending.unshift(...target.split('/').filter(Boolean));
      if (path.isAbsolute(target)) current = top;
    } else {
      current = next;
    }
  }
  return done(current);
}

/**
 * Every entry met when the kernel looks `given` up, in order: each folder
 * from the root down, each symlink itself and then the entries of its target.
 * An entry that is not there, or a link that cannot be read, ends the list
 * (what would be made there later is judged by the folder it would be made
 * in, which is listed).
 */
export function lookupEntries(given: string, root?: string): string[] {
  return lookup(given, root).entries;
}

/** Where `given` leads, every link followed (inside `root` as the image will); undefined when nowhere. */
export function resolveIn(given: string, root?: string): string | undefined {
  return lookup(given, root).resolved;
}

/**
 * The lookup of `given` with only the image's entries: with `root` (an
 * offline root, whose real path is `rootReal`), those at or below it; the
 * ones above it are this machine's, not the image's.
 */
export function imageLookup(given: string, root?: string, rootReal = root === undefined ? undefined : resolveIn(root)): Lookup {
  const found = lookup(given, root);
  if (rootReal === undefined) return found;
  return { ...found, entries: found.entries.filter((entry) => entry === rootReal || entry.startsWith(`${rootReal}/`)) };
}

class Judge {
  readonly findings = new Map<string, string>();
  readonly warnings: string[] = [];
  readonly #trusted: Set<number>;
  readonly #groups = new Map<number, string | undefined>();
  #aclWarned = false;

  /** The offline root's real path: the entries above it are this machine's, not the image's (the unit's folder check judges them, for the caller). */
  readonly #rootReal: string | undefined;

  constructor(private readonly options: TrustOptions) {
    this.#trusted = new Set([0, ...options.trustedUids]);
    this.#rootReal = options.root === undefined ? undefined : resolveIn(options.root);
  }

  /** Why a user other than the trusted ones may write through group `gid`; undefined when none may. */
  #group(gid: number): string | undefined {
    if (!this.#groups.has(gid)) {
      const group = this.options.accounts.groupUsers(gid);
      const others = group?.users.filter((user) => !this.#trusted.has(user.uid)) ?? [];
      this.#groups.set(gid, group === undefined
        ? `group ${gid}, whose members cannot be known (not in /etc/group)`
        : others.length === 0 ? undefined : `group ${group.name} (${gid}), which holds ${others.map((user) => user.name).join(', ')}`);
    }
    return this.#groups.get(gid);
  }

  #acl(file: string, attribute: string): ReturnType<typeof aclWriters> | string | undefined {
    const read = this.options.readAcl;
    if (read === undefined) {
      if (!this.#aclWarned) this.warnings.push(`ACLs were not checked: ${process.platform === 'linux' ? 'the native addon cannot read extended attributes here' : `servicehost reads POSIX ACLs on Linux only (on ${process.platform}, \`ls -le\` shows them)`}`);
      this.#aclWarned = true;
      return undefined;
    }
    try {
      const value = read(file, attribute);
      return value === undefined ? undefined : aclWriters(parseAcl(value));
    } catch (error) {
      return `its ACL cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }

  /**
   * Why others may change `file` (already lstat'ed as `stat`), or undefined.
   * In a sticky folder met on the way to a path (/tmp), nobody may replace
   * another's entry, so its write bits are no finding there; inside a tree
   * code is loaded from they are (a new file can shadow a module).
   */
  why(file: string, stat: Stats, onTheWay: boolean): string | undefined {
    if (!this.#trusted.has(stat.uid)) return `owned by uid ${stat.uid}`;
    if (stat.isSymbolicLink()) return undefined;
    const reasons: string[] = [];
    const exempt = onTheWay && stat.isDirectory() && (stat.mode & 0o1000) !== 0;
    const access = this.#acl(file, ACL_ACCESS);
    if (typeof access === 'string') return access;
    if (!exempt) {
      // With an ACL, the mode's group bits are its mask; the ACL says who may write.
      const { everyone, owningGroup } = access === undefined ? modeWriters(stat.mode) : { everyone: access.other, owningGroup: access.owningGroup };
      if (everyone) return 'writable by everyone';
      if (owningGroup) {
        const group = this.#group(stat.gid);
        if (group !== undefined) reasons.push(`writable by ${group}`);
      }
      for (const uid of access?.users ?? []) if (!this.#trusted.has(uid)) reasons.push(`its ACL lets uid ${uid} write`);
      for (const gid of access?.groups ?? []) {
        const group = this.#group(gid);
        if (group !== undefined) reasons.push(`its ACL lets ${group} write`);
      }
    }
    if (stat.isDirectory()) {
      // A default ACL is copied onto each entry made in the folder later: one that lets others write makes every new file theirs to change.
      const inherited = this.#acl(file, ACL_DEFAULT);
      if (typeof inherited === 'string') reasons.push(inherited);
      else if (inherited !== undefined) {
        const who = [
          ...(inherited.other ? ['everyone'] : []),
          ...inherited.users.filter((uid) => !this.#trusted.has(uid)).map((uid) => `uid ${uid}`),
          ...inherited.groups.map((gid) => this.#group(gid)).filter((group): group is string => group !== undefined),
        ];
        if (who.length > 0) reasons.push(`its default ACL lets ${who.join(', ')} write what is made in it`);
      }
    }
    return reasons.length === 0 ? undefined : reasons.join('; ');
  }

  judge(file: string, stat: Stats, onTheWay: boolean): string | undefined {
    if (this.findings.has(file)) return this.findings.get(file);
    const reason = this.why(file, stat, onTheWay);
    if (reason !== undefined) this.findings.set(file, reason);
    return reason;
  }

  /** Every entry on the way to `given`, as given and through each symlink. */
  path(given: string): void {
    const found = imageLookup(given, this.options.root, this.#rootReal);
    if (found.unreadable !== undefined) this.warnings.push(`${found.unreadable.link} is a link that cannot be read (${found.unreadable.code}): what it leads to was not checked`);
    for (const entry of found.entries) {
      try {
        this.judge(entry, lstatSync(entry), true);
      } catch {
        // Gone since the lookup: nothing to run from it.
      }
    }
  }
}

/**
 * The whole POSIX check: each of `paths` entry by entry (as given, symlinks
 * followed and each checked), and each of `trees` walked (every file, folder
 * and link below it, links' targets looked up as paths and walked when they
 * are folders), within `bounds`.
 */
export function checkTrust(paths: readonly string[], trees: readonly string[], options: TrustOptions): TrustResult {
  const judge = new Judge(options);
  for (const given of paths) judge.path(given);
  const tops: string[] = [];
  const rootReal = options.root === undefined ? undefined : resolveIn(options.root);
  // A link to / (or into /proc, /sys, /dev, or to the offline root itself) leads out of any tree code is loaded from: said, not walked.
  const outside = (entry: string, real: string): boolean => {
    if (!isSystemFolder(real) && real !== rootReal) return false;
    judge.warnings.push(`${entry} leads to ${real}, ${real === '/' || real === rootReal ? 'the root of the file system' : 'a folder of the kernel\'s'}: the folders below it were not walked`);
    return true;
  };
  for (const tree of trees) {
    judge.path(tree);
    // The top of a tree is judged as inside it: a sticky folder anyone may add files to is no place to load code from.
    const real = resolveIn(tree, options.root);
    if (real === undefined || outside(tree, real)) continue;
    try {
      if (judge.judge(real, lstatSync(real), false) === undefined) tops.push(options.root === undefined ? tree : real);
    } catch {
      // Gone since: nothing to load from it.
    }
  }
  const realpath = options.root === undefined ? undefined : (folder: string) => resolveIn(folder, options.root);
  const unreached = walkTrees(tops, (entry, stat) => {
    // Whoever may change a folder may change all below it: one finding says so.
    if (judge.judge(entry, stat, false) !== undefined) return false;
    if (stat.isDirectory()) return true;
    if (!stat.isSymbolicLink()) return false;
    judge.path(entry);
    const real = resolveIn(entry, options.root);
    if (real === undefined || !linksToFolder(real)) return false;
    return !outside(entry, real);
  }, options.bounds, options.now, realpath);
  return { findings: [...judge.findings].map(([file, why]) => ({ path: file, why })), warnings: [...new Set([...judge.warnings, ...unreached])] };
}
