// The one check that stands between the harness and booting systemd against
// this machine's own root (which would empty /tmp at once and take over the
// machine). Every boot goes through assertBootableRoot() first.
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** The file the harness writes into a root once it has built it completely, and only then. */
export const ROOT_MARKER = '.servicehost-systemd-live-root';
/** What the marker must say: a file that merely has the name is not enough. */
export const MARKER_HARNESS = 'servicehost systemd-live harness';

/** The marker's content for a root built now from `packages`. */
export function markerText(packages) {
  return `${JSON.stringify({ harness: MARKER_HARNESS, builtAt: new Date().toISOString(), packages }, null, 2)}\n`;
}

/** The parsed marker of `root`, or undefined when there is none the harness wrote. */
export function readMarker(root) {
  const file = path.join(root, ROOT_MARKER);
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return undefined;
  }
  // A symlink could point at a marker somewhere else.
  if (!stat.isFile()) return undefined;
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8'));
    return marker?.harness === MARKER_HARNESS ? marker : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws unless `root` is a root the harness built inside `cacheDir`: it must
 * not resolve to `/` (by path, nor by being `/` bind-mounted elsewhere: same
 * device and inode), must resolve to a folder strictly inside `cacheDir`, and
 * must hold the harness's marker. Returns the resolved root.
 */
export function assertBootableRoot(root, cacheDir) {
  const refuse = (why) => {
    throw new Error(`systemd-live: refusing to boot ${root}: ${why}`);
  };
  let resolved;
  try {
    resolved = realpathSync(root);
  } catch (error) {
    refuse(`it does not exist (${error.code ?? error.message})`);
  }
  if (resolved === '/') refuse('it resolves to / (this machine\'s own root)');
  const own = statSync(resolved);
  const machineRoot = statSync('/');
  if (own.dev === machineRoot.dev && own.ino === machineRoot.ino) refuse(`it is / itself (${resolved} has the device and inode of /)`);
  if (!own.isDirectory()) refuse('it is not a folder');
  const cache = realpathSync(cacheDir);
  if (!resolved.startsWith(`${cache}${path.sep}`)) refuse(`it resolves to ${resolved}, outside the harness's cache ${cache}`);
  if (readMarker(resolved) === undefined) refuse(`it has no marker ${ROOT_MARKER} written by the harness (a half-made or foreign root)`);
  return resolved;
}
