// Users and groups, read from /etc/passwd and /etc/group directly. As root,
// running `getent` found on PATH would run whatever a user put first on
// root's PATH; these files need no program at all. Users and groups that only
// NSS knows (LDAP, sssd) are not in them: for a name not found there, getent
// is asked by a fixed absolute path, and only if it is there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** getent where distributions put it; never from PATH. */
export const GETENT_PATHS = ['/usr/bin/getent', '/bin/getent'] as const;

function number(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/u.test(text) ? Number(text) : undefined;
}

/** The entries of a passwd(5) text; malformed lines are left out. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const uid = number(fields[2]);
    const gid = number(fields[3]);
    if (fields.length < 7 || !fields[0] || uid === undefined || gid === undefined) continue;
    entries.push({ name: fields[0], uid, gid, home: fields[5]! });
  }
  return entries;
}

/** The entries of a group(5) text; malformed lines are left out. */
export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const gid = number(fields[2]);
    if (fields.length < 4 || !fields[0] || gid === undefined) continue;
    entries.push({ name: fields[0], gid, members: fields[3]!.split(',').map((member) => member.trim()).filter(Boolean) });
  }
  return entries;
}

function readLines(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** One database lookup through NSS, by getent's absolute path; undefined when getent is absent or says no. */
function getent(database: 'passwd' | 'group' | 'initgroups', key: string): string | undefined {
  const program = GETENT_PATHS.find((candidate) => existsSync(candidate));
  if (program === undefined) return undefined;
  try {
    return execFileSync(program, [database, '--', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return undefined;
  }
}

export interface AccountFiles {
  passwd: string;
  group: string;
}

/** The account database as files hold it, read once per check. */
export class Accounts {
  readonly users: PasswdEntry[];
  readonly groups: GroupEntry[];
  readonly #nss: boolean;

  constructor(files: AccountFiles = { passwd: readLines('/etc/passwd'), group: readLines('/etc/group') }, nss = true) {
    this.users = parsePasswd(files.passwd);
    this.groups = parseGroup(files.group);
    this.#nss = nss;
  }

  user(name: string): PasswdEntry | undefined {
    const found = this.users.find((entry) => entry.name === name);
    if (found || !this.#nss) return found;
    return parsePasswd(getent('passwd', name) ?? '').find((entry) => entry.name === name);
  }

  /** The groups that list user `name` as a member (its primary group aside): /etc/group's, and NSS's (getent initgroups) when NSS is asked. */
  memberOf(name: string): number[] {
    const listed = this.groups.filter((entry) => entry.members.includes(name)).map((entry) => entry.gid);
    // "name gid gid ...": the groups NSS adds (LDAP, sssd) that /etc/group does not hold.
    const fromNss = this.#nss ? (getent('initgroups', name) ?? '').trim().split(/\s+/u).slice(1).filter((gid) => /^\d+$/u.test(gid)).map(Number) : [];
    return [...new Set([...listed, ...fromNss])];
  }

  /** The users who are in group `gid`: listed as members, or having it as their primary group. Undefined when the group is unknown. */
  groupUsers(gid: number): { name: string; users: PasswdEntry[] } | undefined {
    let group = this.groups.find((entry) => entry.gid === gid);
    if (group === undefined && this.#nss) group = parseGroup(getent('group', String(gid)) ?? '').find((entry) => entry.gid === gid);
    const primary = this.users.filter((entry) => entry.gid === gid);
    if (group === undefined && primary.length === 0) return undefined;
    const users = [...primary];
    for (const member of group?.members ?? []) {
      const entry = this.user(member);
      // A member name with no account: nobody can log in as it today, but whoever is later made with that name is in the group.
      users.push(entry ?? { name: member, uid: -1, gid, home: '' });
    }
    return { name: group?.name ?? String(gid), users };
  }
}

/** A user's uid: a number as given, else from the account database; undefined when unknown. */
export function uidOf(user: string, accounts: Accounts = new Accounts()): number | undefined {
  if (/^\d+$/u.test(user)) return Number(user);
  return accounts.user(user)?.uid;
}
