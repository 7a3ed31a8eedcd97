#!/usr/bin/env node
// A live systemd for the systemd-live test ring, in a guest of the project's
// own (never against this machine's root): see scripts/systemd-live/*.mjs.
// By hand: `node scripts/systemd-live.mjs [command...]` builds the root if
// needed, boots the guest, runs the command in it (default: systemctl
// status), prints its output and powers the guest off;
// SERVICEHOST_SYSTEMD_LIVE_RELEASE=trixie boots the trixie guest (default bookworm).
import { pathToFileURL } from 'node:url';
import { bootGuest } from './systemd-live/backend.mjs';
import { runInGuest } from './systemd-live/guest-exec.mjs';

export { BACKENDS, INSTALL_HINT, backendsWanted, bootGuest, liveRingProblem } from './systemd-live/backend.mjs';
export { guestCommand, runInGuest } from './systemd-live/guest-exec.mjs';
export { ensureGuestRoot } from './systemd-live/guest-root.mjs';
export { ROOT_MARKER, assertBootableRoot, markerText, readMarker } from './systemd-live/root-guard.mjs';
export { DEFAULT_RELEASE, GUEST_CHECKOUT, GUEST_NODE, GUEST_RESULTS, RELEASES, liveDir, liveRelease, logsDir, releaseDirs, resultsDir, rootDir } from './systemd-live/paths.mjs';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const log = (line) => process.stderr.write(`[systemd-live] ${line}\n`);
  const guest = await bootGuest({ log });
  let code = 1;
  try {
    const result = await runInGuest(guest.target, argv.length > 0 ? argv : ['systemctl', 'status', '--no-pager'], { timeoutMs: 10 * 60_000 });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    code = result.code;
  } finally {
    const down = await guest.shutdown();
    log(`guest down in ${down.durationMs} ms${down.forced ? ' (forced)' : ''}${down.leftovers.length ? `; LEFT BEHIND: ${down.leftovers.join(' ')}` : ''}`);
  }
  process.exitCode = code;
}
