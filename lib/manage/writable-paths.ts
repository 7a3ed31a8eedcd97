// Least privilege: what a service runs must not be changeable by a user other
// than the service's own account or root. `sudo servicehost install -- ./server.js`
// from a user's checkout would otherwise run, as root, files that user can
// rewrite: the script, its folder, servicehost's register module, node itself.
// POSIX here (run-tree.ts does the work); Windows ACLs are checked natively
// (least-privilege.ts windowsFindings, called from windows/install.ts).
import { Accounts } from './accounts';
import { nativeAclReader } from './posix-acl';
import { checkTrust, type WritableFinding } from './run-tree';

export { uidOf } from './accounts';
export type { WritableFinding } from './run-tree';

/**
 * Each entry on the way to each of `paths` (every folder from the root, every
 * symlink and what it points to) that a user outside `trustedUids` (root is
 * always trusted) could change: by owning it, by a mode bit or a POSIX ACL
 * that lets others write, or through a group that holds another user. A
 * sticky folder met on the way (/tmp) does not count: nobody may replace
 * another's entry in it. Paths that do not exist are judged as far as they go.
 */
export function writableByOthers(paths: readonly string[], trustedUids: readonly number[]): WritableFinding[] {
  return checkTrust(paths, [], { trustedUids, accounts: new Accounts(), readAcl: nativeAclReader() }).findings;
}
