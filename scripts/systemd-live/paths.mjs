// Where the live-systemd ring keeps what it makes: all of it in the checkout's
// ignored build/ folder, so nothing of the machine's own is touched. One guest
// root per Debian release, each with its own results folder:
//   build/systemd-live/root-<release>      the cached guest root (never booted directly: an overlay goes on top)
//   build/systemd-live/results-<release>   the one folder the guest may write (/results inside)
//   build/systemd-live/logs                the console of each boot, debootstrap's log
//   build/systemd-live/<release>           one test run's hand-over: `wanted` (a test file asks for the guest), `ready.json` (where it is)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const liveDir = path.join(repoRoot, 'build', 'systemd-live');
export const logsDir = path.join(liveDir, 'logs');

/** The releases the ring boots, with the systemd each ships (the guest's `systemctl --version` is what counts). */
export const RELEASES = Object.freeze({ bookworm: { systemd: 252 }, trixie: { systemd: 257 } });
export const DEFAULT_RELEASE = 'bookworm';

/** `release` checked against RELEASES (default: $SERVICEHOST_SYSTEMD_LIVE_RELEASE, else bookworm). */
export function liveRelease(release = process.env.SERVICEHOST_SYSTEMD_LIVE_RELEASE || DEFAULT_RELEASE) {
  if (!Object.hasOwn(RELEASES, release)) throw new Error(`systemd-live: unknown release ${JSON.stringify(release)} (known: ${Object.keys(RELEASES).join(', ')})`);
  return release;
}

/** The cached root, the results folder and the run's hand-over folder of one release. */
export function releaseDirs(release) {
  const name = liveRelease(release);
  return { rootDir: path.join(liveDir, `root-${name}`), resultsDir: path.join(liveDir, `results-${name}`), runDir: path.join(liveDir, name) };
}

// The default release's folders, for callers that name none.
export const { rootDir, resultsDir } = releaseDirs(DEFAULT_RELEASE);

/** Inside the guest. */
export const GUEST_CHECKOUT = '/checkout';
export const GUEST_RESULTS = '/results';
export const GUEST_NODE = '/usr/local/bin/node';
