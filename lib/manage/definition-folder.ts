// The folders a service definition (a systemd unit, a launchd plist) is
// written into, and the .wants folders systemctl enable links a unit from,
// checked before anything is written: no other user
// may own or write any folder from / down (a link on the way included), and
// inside an offline root (--root) no folder from the root down is a symlink,
// so a user who can plant `etc -> elsewhere` cannot steer the write. Missing
// folders are made one by one, each checked as it is made; once all are
// checked only root (or the caller) can change them, so the write that
// follows (writeFileAtomically: O_EXCL | O_NOFOLLOW, then rename, in the
// checked folder) lands where it was checked. A read under --root (query,
// logs, list) makes the same walk, making nothing, so that what it reads is
// the image's and not a file outside it that a user linked in.
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Accounts } from './accounts';
import { ServiceManagerError, translateSystemError } from './errors';
import { unsafeFolderReason } from './files';
import { nativeAclReader } from './posix-acl';
import { checkTrust, resolveIn, type WritableFinding } from './run-tree';

type Access = 'write' | 'read';

function refuse(service: string, doing: string, findings: readonly WritableFinding[], access: Access = 'write'): never {
  const listed = findings.map((finding) => `  ${finding.path}: ${finding.why}`).join('\n');
  throw new ServiceManagerError(
    'ERR_SERVICEHOST_UNSAFE_PATH',
    service,
    access === 'write'
      ? `Refusing to ${doing} "${service}": a folder its service definition would be written through is not safe, so another user could steer what the service manager runs:\n${listed}\n` +
          'Every folder from / to the unit file or plist must be root\'s (or yours) and writable by no one else; under --root none may be a symlink. (--allow-writable does not change where servicehost writes.)'
      : `Refusing to ${doing} "${service}": a path it would be read through inside --root is not safe, so another user could make servicehost read a file outside the image:\n${listed}\n` +
          'Every folder from / to what is read must be root\'s (or yours) and writable by no one else, and inside --root neither they nor the file may be a symlink.',
  );
}

/** Who besides root and the caller could change an entry on the way to each of `paths` (owner, mode, ACL, group; each link on the way). */
function chainFindings(paths: readonly string[], uid: number): WritableFinding[] {
  return checkTrust(paths, [], { trustedUids: [uid], accounts: new Accounts(), readAcl: nativeAclReader() }).findings;
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Why a folder inside an offline root may not be written (or read) through, or undefined. */
function insideRootReason(folder: string, stat: Stats, uid: number, access: Access = 'write'): string | undefined {
  if (stat.isSymbolicLink()) return `a symlink: servicehost does not ${access} through a link inside --root`;
  if (!stat.isDirectory()) return 'not a folder';
  return unsafeFolderReason(folder, uid);
}

/**
 * Makes sure `folder` (the unit or plist folder) and each of `linkFolders` (the
 * .wants and .requires folders systemctl enable writes in, when they exist)
 * are safe to write in, making `folder` as needed. With `root`, `folder` is
 * inside it; `create: false` makes nothing (uninstall). Throws
 * ERR_SERVICEHOST_UNSAFE_PATH naming each finding.
 */
export function prepareDefinitionFolder(folder: string, linkFolders: readonly string[], service: string, doing: string, root?: string, create = true): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  try {
    prepareFolders(folder, linkFolders, service, doing, uid, root, create);
  } catch (error) {
    // A folder that cannot be made or read (EACCES: not elevated) is the typed error its errno names.
    throw translateSystemError(error, service, doing);
  }
}

/**
 * Before a read under an offline root (query, logs, list): the write's own
 * walk, making nothing. No folder from / to `target` may be another user's or
 * writable by one, none inside the root a symlink, and `target` (a file or a
 * folder, when there) no symlink either: nothing outside the image is read
 * through a link a user planted, and none can be planted between this check
 * and the read. Throws ERR_SERVICEHOST_UNSAFE_PATH naming the entry.
 */
export function checkReadInRoot(target: string, root: string, service: string, doing: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  try {
    prepareFolders(path.dirname(target), [], service, doing, uid, root, false, 'read');
    const stat = lstatOrUndefined(target);
    const why = stat === undefined || stat.isFile() ? undefined : insideRootReason(target, stat, uid, 'read');
    if (why !== undefined) refuse(service, doing, [{ path: target, why }], 'read');
  } catch (error) {
    throw translateSystemError(error, service, doing);
  }
}

function prepareFolders(folder: string, linkFolders: readonly string[], service: string, doing: string, uid: number, root: string | undefined, create: boolean, access: Access = 'write'): void {
  if (root === undefined) {
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    const findings = chainFindings([folder, ...linkFolders], uid);
    if (findings.length > 0) refuse(service, doing, findings);
    return;
  }
  // The root and everything above it: nobody else may own or write them (a link on the way included).
  const above = chainFindings([root], uid);
  if (above.length > 0) refuse(service, doing, above, access);
  let real = resolveIn(root);
  if (real === undefined) {
    if (!create) return;
    mkdirSync(root, { recursive: true, mode: 0o755 });
    real = resolveIn(root)!;
  }
  let shown = path.resolve(root);
  const findings: WritableFinding[] = [];
  for (const part of path.relative(path.resolve(root), path.resolve(folder)).split(path.sep).filter(Boolean)) {
    real = path.join(real, part);
    shown = path.join(shown, part);
    let stat = lstatOrUndefined(real);
    // Nothing there (uninstall): nothing to act on through it.
    if (stat === undefined && !create) return;
    if (stat === undefined) {
      // In a folder that is checked: nobody else can race this.
      mkdirSync(real, { mode: 0o755 });
      stat = lstatSync(real);
    }
    const why = insideRootReason(real, stat, uid, access);
    if (why !== undefined) refuse(service, doing, [{ path: shown, why }], access);
  }
  for (const linkFolder of linkFolders) {
    const stat = lstatOrUndefined(path.join(real, path.basename(linkFolder)));
    const why = stat === undefined ? undefined : insideRootReason(path.join(real, path.basename(linkFolder)), stat, uid);
    if (why !== undefined) findings.push({ path: linkFolder, why });
  }
  if (findings.length > 0) refuse(service, doing, findings);
}
