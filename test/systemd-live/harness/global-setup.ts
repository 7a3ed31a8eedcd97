// Boots ONE guest for the whole systemd-live ring and powers it off after,
// checking that no process of it is left. When no backend can run here the
// ring is skipped with the reason printed, unless CI=true or
// SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1, where it fails and says what to install.
import type { TestProject } from 'vitest/node';
import { bootGuest, liveRingProblem, type GuestTarget } from '../../../scripts/systemd-live.mjs';

export interface SystemdLiveRing {
  available: boolean;
  reason: string;
  backend: string;
  target: GuestTarget | undefined;
  bootMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    systemdLive: SystemdLiveRing;
  }
}

function required(): boolean {
  return process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_SYSTEMD_LIVE === '1';
}

const log = (line: string): void => console.log(`[systemd-live ring] ${line}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ringStarted = Date.now();
  const skip = (problem: string) => {
    if (required()) throw new Error(`${problem}\n(The live-systemd ring is required because CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1.)`);
    console.warn(`\n[systemd-live ring] SKIPPED: ${problem}\n`);
    project.provide('systemdLive', { available: false, reason: problem, backend: 'none', target: undefined, bootMs: 0 });
    return async () => {};
  };
  const problem = liveRingProblem();
  if (problem) return skip(problem);
  let guest;
  try {
    guest = await bootGuest({ log });
  } catch (error) {
    return skip((error as Error).message);
  }
  project.provide('systemdLive', { available: true, reason: '', backend: guest.backend, target: guest.target, bootMs: guest.bootMs });
  return async () => {
    const down = await guest.shutdown();
    log(`guest (${guest.backend}) booted in ${guest.bootMs} ms, powered off in ${down.durationMs} ms${down.forced ? ' (forced: it did not power off in time)' : ''}; ring ${((Date.now() - ringStarted) / 1000).toFixed(1)} s`);
    if (down.leftovers.length > 0) throw new Error(`systemd-live: the guest left processes behind: ${down.leftovers.join(' ')}`);
  };
}
