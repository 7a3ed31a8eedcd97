// How the ring's guest passes from vitest's main process (global-setup.ts,
// which builds the root and boots the guest) to the test workers (guest.ts),
// through two files in build/systemd-live/<release>/: the first test file to
// import guest.ts writes `wanted`; the setup then boots the guest and writes
// `ready.json` (where it is, or why there is none). Each carries the run's
// token, so a file left by an earlier run is never taken for this one's.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { logsDir, type GuestTarget, type LiveRelease } from '../../../scripts/systemd-live.mjs';

export interface SystemdLiveRing {
  available: boolean;
  reason: string;
  backend: string;
  target: GuestTarget | undefined;
  bootMs: number;
  release: LiveRelease;
  /** The guest's systemd version (`systemctl --version`), 0 when there is no guest. */
  systemd: number;
}

/** What the setup provides: where to ask for the guest, or why the ring is skipped before anything was built. */
export interface SystemdLiveHandle {
  release: LiveRelease;
  required: boolean;
  /** build/systemd-live/<release>. */
  runDir: string;
  token: string;
  /** Set when the ring is skipped at setup (no backend, not root…): nothing is built or booted. */
  skipped?: SystemdLiveRing;
  /** How long a test file waits for ready.json: the root's build (debootstrap's own limit) plus a boot. */
  waitMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    systemdLive: SystemdLiveHandle;
  }
}

export const wantedFile = (runDir: string): string => path.join(runDir, 'wanted');
export const readyFile = (runDir: string): string => path.join(runDir, 'ready.json');

/** This run's ready.json, or undefined while there is none (or only an earlier run's). */
export function readReady(runDir: string, token: string): SystemdLiveRing | undefined {
  const file = readyFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    const ready = JSON.parse(readFileSync(file, 'utf8')) as { token: string; ring: SystemdLiveRing };
    return ready.token === token ? ready.ring : undefined;
  } catch {
    // Half-written: the writer renames it into place, so this is an earlier run's or a foreign file.
    return undefined;
  }
}

/** The last lines of the root's build log and of the guest's console, for a failure message. */
export function logTails(release: LiveRelease, lines = 15): string {
  return [`debootstrap-${release}.log`, `nspawn-console-${release}.log`]
    .map((name) => path.join(logsDir, name))
    .filter((file) => existsSync(file))
    .map((file) => `--- ${file} (last ${lines} lines) ---\n${readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n')}`)
    .join('\n');
}
