// Boots ONE guest for the whole systemd-live ring and powers it off after,
// checking that no process of it is left. The project's name picks the Debian
// release: `systemd-live` boots bookworm (systemd 252), `systemd-live-trixie`
// boots trixie (systemd 257); tests read the guest's own version from the ring.
// When no backend can run here the ring is skipped with the reason printed,
// unless CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1, where it fails and
// says what to install. Each ring leaves build/systemd-live/summary-<release>.json
// (the guest's systemd, boot and ring time), which .ci/run prints at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_RELEASE, bootGuest, ensureGuestRoot, liveDir, liveRelease, liveRingProblem, type GuestTarget, type LiveRelease } from '../../../scripts/systemd-live.mjs';

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

declare module 'vitest' {
  export interface ProvidedContext {
    systemdLive: SystemdLiveRing;
  }
}

function required(): boolean {
  return process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_SYSTEMD_LIVE === '1';
}

/** `systemd-live` -> bookworm, `systemd-live-<release>` -> that release. */
export function releaseOfProject(name: string): LiveRelease {
  const suffix = /^systemd-live(?:-([a-z]+))?$/u.exec(name);
  if (!suffix) throw new Error(`systemd-live: project ${name} is not systemd-live or systemd-live-<release>`);
  return liveRelease(suffix[1] ?? DEFAULT_RELEASE);
}

// Each release's root, built once per run. The first ring's setup starts every
// release this run boots, side by side: each debootstrap is about 50 s of
// downloads, and vitest runs the projects' setups one after another, so a
// clean clone would otherwise wait for them in turn.
const roots = new Map<LiveRelease, Promise<unknown>>();

function buildRoots(project: TestProject, log: (line: string) => void): void {
  for (const other of project.vitest.projects) {
    let release: LiveRelease;
    try {
      release = releaseOfProject(other.name);
    } catch {
      continue;
    }
    if (!roots.has(release)) roots.set(release, ensureGuestRoot({ log, release }).catch((error: unknown) => error));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ringStarted = Date.now();
  const release = releaseOfProject(project.name);
  const log = (line: string): void => console.log(`[systemd-live ring, ${release}] ${line}`);
  const skip = (problem: string) => {
    if (required()) throw new Error(`${problem}\n(The live-systemd ring is required because CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1.)`);
    console.warn(`\n[systemd-live ring] SKIPPED (${release}): ${problem}\n`);
    project.provide('systemdLive', { available: false, reason: problem, backend: 'none', target: undefined, bootMs: 0, release, systemd: 0 });
    return async () => {};
  };
  const problem = liveRingProblem(release);
  if (problem) return skip(problem);
  buildRoots(project, (line) => console.log(`[systemd-live ring] ${line}`));
  let guest;
  try {
    // A failed build is bootGuest's to report (it builds again and says why).
    await roots.get(release);
    guest = await bootGuest({ log, release });
  } catch (error) {
    return skip((error as Error).message);
  }
  project.provide('systemdLive', { available: true, reason: '', backend: guest.backend, target: guest.target, bootMs: guest.bootMs, release, systemd: guest.systemd.version });
  // The CI log's summary names each guest's systemd (the first line of its `systemctl --version`).
  log(`the guest runs ${guest.systemd.line}`);
  return async () => {
    const down = await guest.shutdown();
    log(`guest (${guest.backend}, ${guest.systemd.line}) booted in ${guest.bootMs} ms, powered off in ${down.durationMs} ms${down.forced ? ' (forced: it did not power off in time)' : ''}; ring ${((Date.now() - ringStarted) / 1000).toFixed(1)} s`);
    const summary = { release, systemd: guest.systemd.line, backend: guest.backend, bootMs: guest.bootMs, ringSeconds: Math.round((Date.now() - ringStarted) / 1000) };
    mkdirSync(liveDir, { recursive: true });
    writeFileSync(path.join(liveDir, `summary-${release}.json`), `${JSON.stringify(summary)}\n`);
    if (down.leftovers.length > 0) throw new Error(`systemd-live: the guest left processes behind: ${down.leftovers.join(' ')}`);
  };
}
