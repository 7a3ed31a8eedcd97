// Prepares the Windows ring once: under Wine on Linux (prefix, persistent
// wineserver, Windows Node, cross-built addon), natively on Windows. Without
// Wine the ring is skipped with the reason printed, unless CI=true or
// SERVICEHOST_REQUIRE_WINE=1, where it fails and says how to install it.
import type { TestProject } from 'vitest/node';
import { prepareWindowsEnvironment, shutdownWindowsEnvironment, windowsEnvironmentProblem } from '../../../scripts/windows-env.mjs';

export interface WindowsRing {
  available: boolean;
  reason: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    windowsRing: WindowsRing;
  }
}

function required(): boolean {
  return process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_WINE === '1';
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problem = windowsEnvironmentProblem();
  if (problem) {
    if (required()) {
      throw new Error(`${problem}\n(The Windows ring is required because CI=true or SERVICEHOST_REQUIRE_WINE=1.)`);
    }
    console.warn(`\n[windows ring] SKIPPED: ${problem}\n`);
    project.provide('windowsRing', { available: false, reason: problem });
    return async () => {};
  }
  await prepareWindowsEnvironment();
  project.provide('windowsRing', { available: true, reason: '' });
  return shutdownWindowsEnvironment;
}
