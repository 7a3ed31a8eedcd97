// Makes ONE guest for the whole systemd-live ring and powers it off after,
// checking that no process of it is left. The project's name picks the Debian
// release: `systemd-live` boots bookworm (systemd 252), `systemd-live-trixie`
// boots trixie (systemd 257); tests read the guest's own version from the ring.
//
// Vitest runs every project's global setup, one after another, before any
// test file: a setup that waited here for debootstrap (50-90 s on a clean
// clone) would hold back every ring. So the root is built in the background,
// overlapping the rings that run first, and the guest boots only when the
// ring's first test file asks for it (guest.ts writes `wanted`; this process
// boots and writes `ready.json`: handover.ts). The teardown waits for all of
// it, so no debootstrap or guest outlives the run.
//
// When no backend can run here the ring is skipped with the reason printed,
// unless CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1, where it fails and
// says what to install. Each ring leaves build/systemd-live/summary-<release>.json
// (the guest's systemd, boot and ring time), which .ci/run prints at the end.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_RELEASE, bootGuest, ensureGuestRoot, liveDir, liveRelease, liveRingProblem, releaseDirs, type Guest, type LiveRelease } from '../../../scripts/systemd-live.mjs';
import { clearLane } from '../../harness/lanes';
import { readyFile, wantedFile, type SystemdLiveHandle, type SystemdLiveRing } from './handover';


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
// release this run boots, side by side: each debootstrap is about 50 s of downloads.
// Vitest loads this file once per project, so the map lives on globalThis: with
// one map per project both setups started their own debootstrap of each root.
const ROOTS = Symbol.for('servicehost.systemd-live.roots');
const roots = ((globalThis as Record<symbol, unknown>)[ROOTS] ??= new Map<LiveRelease, Promise<unknown>>()) as Map<LiveRelease, Promise<unknown>>;

function buildRoots(project: TestProject, log: (line: string) => void): void {
  for (const other of project.vitest.projects) {
    let release: LiveRelease;
    try {
      release = releaseOfProject(other.name);
    } catch {
      continue;
    }
    if (!roots.has(release)) {
      const started = Date.now();
      roots.set(
        release,
        ensureGuestRoot({ log, release }).then(
          () => log(`${release} root ready ${((Date.now() - started) / 1000).toFixed(1)} s after the setup began`),
          (error: unknown) => error,
        ),
      );
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Written whole, then renamed into place: a reader never sees half of it. */
function writeReady(runDir: string, token: string, ring: SystemdLiveRing): void {
  const file = readyFile(runDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ token, ring })}\n`);
  renameSync(`${file}.tmp`, file);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const release = releaseOfProject(project.name);
  const log = (line: string): void => console.log(`[systemd-live ring, ${release}] ${line}`);
  const none = (reason: string): SystemdLiveRing => ({ available: false, reason, backend: 'none', target: undefined, bootMs: 0, release, systemd: 0 });
  const { runDir } = releaseDirs(release);
  const token = `${process.pid}-${Date.now()}`;
  const handle: SystemdLiveHandle = { release, required: required(), runDir, token, waitMs: 17 * 60_000 };
  const problem = liveRingProblem(release);
  if (problem) {
    if (handle.required) throw new Error(`${problem}\n(The live-systemd ring is required because CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1.)`);
    console.warn(`\n[systemd-live ring] SKIPPED (${release}): ${problem}\n`);
    project.provide('systemdLive', { ...handle, skipped: none(problem) });
    return async () => {};
  }
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  clearLane(project.name);
  buildRoots(project, (line) => console.log(`[systemd-live ring] ${line}`));
  project.provide('systemdLive', handle);

  let done = false;
  let guest: Guest | undefined;
  let failure: string | undefined;
  let ringStarted = 0;
  const wanted = async (): Promise<boolean> => {
    for (;;) {
      if (existsSync(wantedFile(runDir)) && readFileSync(wantedFile(runDir), 'utf8').trim() === token) return true;
      if (done) return false;
      await sleep(100);
    }
  };
  const work = (async () => {
    // A failed build is bootGuest's to report (it builds again and says why).
    await roots.get(release);
    if (!(await wanted())) return;
    ringStarted = Date.now();
    try {
      guest = await bootGuest({ log, release });
      // The CI log's summary names each guest's systemd (the first line of its `systemctl --version`).
      log(`the guest runs ${guest.systemd.line}`);
      writeReady(runDir, token, { available: true, reason: '', backend: guest.backend, target: guest.target, bootMs: guest.bootMs, release, systemd: guest.systemd.version });
    } catch (error) {
      failure = (error as Error).message;
      if (!handle.required) console.warn(`\n[systemd-live ring] SKIPPED (${release}): ${failure}\n`);
      writeReady(runDir, token, none(failure));
    }
  })();

  return async () => {
    done = true;
    await work;
    if (!guest) {
      if (failure && handle.required) throw new Error(`systemd-live (${release}): ${failure}\n(The live-systemd ring is required because CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1.)`);
      return;
    }
    const down = await guest.shutdown();
    const ringSeconds = (Date.now() - ringStarted) / 1000;
    log(`guest (${guest.backend}, ${guest.systemd.line}) booted in ${guest.bootMs} ms, powered off in ${down.durationMs} ms${down.forced ? ' (forced: it did not power off in time)' : ''}; ring ${ringSeconds.toFixed(1)} s`);
    const summary = { release, systemd: guest.systemd.line, backend: guest.backend, bootMs: guest.bootMs, ringSeconds: Math.round(ringSeconds) };
    mkdirSync(liveDir, { recursive: true });
    writeFileSync(path.join(liveDir, `summary-${release}.json`), `${JSON.stringify(summary)}\n`);
    if (down.leftovers.length > 0) throw new Error(`systemd-live: the guest left processes behind: ${down.leftovers.join(' ')}`);
  };
}
