// POSIX ACLs on Linux: who besides the owner, the group and everyone may
// write, as the kernel keeps it in the system.posix_acl_access (and, on a
// folder, system.posix_acl_default, which new entries inherit) attribute.
// Node cannot read extended attributes; the addon's getXattr does (lgetxattr,
// on the calling thread: one small read per file). Without it (an addon built
// before it, or not Linux) the ACL is unknown and the caller says so.
import { posixNative } from '../native/load';

export const ACL_ACCESS = 'system.posix_acl_access';
export const ACL_DEFAULT = 'system.posix_acl_default';

// linux/posix_acl_xattr.h: a little-endian u32 version (2), then entries of u16 tag, u16 perm, u32 id.
const TAGS = { 0x01: 'user_obj', 0x02: 'user', 0x04: 'group_obj', 0x08: 'group', 0x10: 'mask', 0x20: 'other' } as const;
const WRITE = 0x02;

export interface AclEntry {
  tag: (typeof TAGS)[keyof typeof TAGS];
  perm: number;
  /** The uid or gid of a named user or group entry. */
  id?: number;
}

/** The entries of a system.posix_acl_* value; throws on a value the kernel would not write. */
export function parseAcl(value: Uint8Array): AclEntry[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (value.byteLength < 4 || (value.byteLength - 4) % 8 !== 0 || view.getUint32(0, true) !== 2) throw new Error('not a version 2 POSIX ACL');
  const entries: AclEntry[] = [];
  for (let offset = 4; offset < value.byteLength; offset += 8) {
    const tag = TAGS[view.getUint16(offset, true) as keyof typeof TAGS];
    if (tag === undefined) throw new Error(`unknown ACL tag ${view.getUint16(offset, true)}`);
    const perm = view.getUint16(offset + 2, true);
    entries.push(tag === 'user' || tag === 'group' ? { tag, perm, id: view.getUint32(offset + 4, true) } : { tag, perm });
  }
  return entries;
}

/** Who an ACL lets write: named users, and groups (the owning group as `owningGroup`); the mask limits both. */
export function aclWriters(entries: readonly AclEntry[]): { users: number[]; groups: number[]; owningGroup: boolean; other: boolean } {
  const mask = entries.find((entry) => entry.tag === 'mask');
  const masked = (entry: AclEntry) => (entry.perm & WRITE) !== 0 && (mask === undefined || (mask.perm & WRITE) !== 0);
  return {
    users: entries.filter((entry) => entry.tag === 'user' && masked(entry)).map((entry) => entry.id!),
    groups: entries.filter((entry) => entry.tag === 'group' && masked(entry)).map((entry) => entry.id!),
    owningGroup: entries.some((entry) => entry.tag === 'group_obj' && masked(entry)),
    other: entries.some((entry) => entry.tag === 'other' && (entry.perm & WRITE) !== 0),
  };
}

export type AclReader = (file: string, attribute: string) => Uint8Array | undefined;

/** The native reader, or undefined where it cannot be had (then ACLs are not checked, and the check says so). */
export function nativeAclReader(): AclReader | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const binding = posixNative() as Partial<ReturnType<typeof posixNative>>;
    if (typeof binding.getXattr !== 'function') return undefined;
    const getXattr = binding.getXattr.bind(binding);
    return (file, attribute) => getXattr(file, attribute) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The permission bits an access asks for (acl(5)): read, write, execute (search, for a folder). */
export const READ = 0x04;
export const EXECUTE = 0x01;

/** The ACL a mode is when no POSIX ACL is set: its owner, owning group and others bits. */
export function modeAcl(mode: number): AclEntry[] {
  return [
    { tag: 'user_obj', perm: (mode >> 6) & 7 },
    { tag: 'group_obj', perm: (mode >> 3) & 7 },
    { tag: 'other', perm: mode & 7 },
  ];
}

/** A process's identity as the kernel checks it; `uid` undefined for a uid not known in advance (systemd's DynamicUser=: no owner or named entry can match it). */
export interface Credentials {
  uid: number | undefined;
  gids: readonly number[];
}

/**
 * Whether `who` gets every bit of `want` on an entry owned by `owner`
 * through `entries` (its ACL, or modeAcl of its mode), as the kernel's access
 * check decides (acl(5), "Access check algorithm"): the owner's entry; else a
 * named user's (within the mask); else, if any group of the process matches
 * the owning group or a named group, whether one of those grants it (no fall
 * through to others); else others'. Root is not asked (it passes).
 */
export function aclAllows(entries: readonly AclEntry[], owner: { uid: number; gid: number }, who: Credentials, want: number): boolean {
  const mask = entries.find((entry) => entry.tag === 'mask')?.perm ?? 7;
  const grants = (perm: number): boolean => (perm & want) === want;
  if (who.uid !== undefined && who.uid === owner.uid) return grants(entries.find((entry) => entry.tag === 'user_obj')?.perm ?? 0);
  const named = entries.find((entry) => entry.tag === 'user' && entry.id === who.uid && who.uid !== undefined);
  if (named !== undefined) return grants(named.perm & mask);
  const groups = entries.filter((entry) => (entry.tag === 'group_obj' && who.gids.includes(owner.gid)) || (entry.tag === 'group' && who.gids.includes(entry.id!)));
  if (groups.length > 0) return groups.some((entry) => grants(entry.perm & mask));
  return grants(entries.find((entry) => entry.tag === 'other')?.perm ?? 0);
}
