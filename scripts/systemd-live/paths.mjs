// Where the live-systemd ring keeps what it makes: all of it in the checkout's
// ignored build/ folder, so nothing of the machine's own is touched.
//   build/systemd-live/root-bookworm   the cached guest root (never booted directly: an overlay goes on top)
//   build/systemd-live/results         the one folder the guest may write (/results inside)
//   build/systemd-live/logs            the console of each boot
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const liveDir = path.join(repoRoot, 'build', 'systemd-live');
export const rootDir = path.join(liveDir, 'root-bookworm');
export const resultsDir = path.join(liveDir, 'results');
export const logsDir = path.join(liveDir, 'logs');

/** Inside the guest. */
export const GUEST_CHECKOUT = '/checkout';
export const GUEST_RESULTS = '/results';
export const GUEST_NODE = '/usr/local/bin/node';
