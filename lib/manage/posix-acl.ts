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
