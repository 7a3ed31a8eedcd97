// Prepares the Windows ring once: under Wine on Linux (prefix, persistent
// wineserver, Windows Node, cross-built addon), natively on Windows. Without
// Wine the ring is skipped with the reason printed, unless CI=true or
// SERVICEHOST_REQUIRE_WINE=1, where it fails and says how to install it.
//
// Vitest runs every project's global setup, one after another, before any
// test file: waiting here for the prefix and the mingw builds (about a minute
// on a clean clone) held back every ring. So the preparation runs in the
// background, overlapping the rings that run first, and each Windows test file
// waits for it before its first hook (ready.ts, the project's setup file).
// The teardown waits for it too, so no build or wineserver outlives the run.
// The addon's mingw build, the most of its work a processor does, runs first
// at background priority: the files running meanwhile are timed, and the ring
// needs it minutes later (the preparation's own build of it then finds it made).
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { prepareWindowsEnvironment, repoRoot, shutdownWindowsEnvironment, windowsEnvironmentProblem } from '../../../scripts/windows-env.mjs';
import { clearLane } from '../../harness/lanes';
import { WINDOWS_PREPARED, windowsReadyFile } from './ready-file';

export type { WindowsRing } from './ready-file';

const isLinux = process.platform === 'linux';

/** scripts/prebuild.mjs --target win32-x64 (the tree prepareWindowsEnvironment builds in) at nice 10. */
function buildAddonInBackground(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', 'win32-x64'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    // Before cmake-js starts the compilers, which inherit it.
    if (child.pid !== undefined) os.setPriority(child.pid, 10);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`prebuild --target win32-x64 exited with ${code}: ${stderr.slice(-4000)}`))));
  });
}

function required(): boolean {
  return process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_WINE === '1';
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problem = windowsEnvironmentProblem();
  const runDir = path.join(repoRoot, 'build', 'windows-ring');
  const token = `${process.pid}-${Date.now()}`;
  if (problem) {
    if (required()) {
      throw new Error(`${problem}\n(The Windows ring is required because CI=true or SERVICEHOST_REQUIRE_WINE=1.)`);
    }
    console.warn(`\n[windows ring] SKIPPED: ${problem}\n`);
    project.provide('windowsRing', { available: false, reason: problem, runDir, token });
    return async () => {};
  }
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  clearLane(project.name);
  const started = Date.now();
  const ready = (error: string | undefined): void => {
    const file = windowsReadyFile(runDir);
    // Written whole, then renamed into place: a reader never sees half of it.
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ token, error })}\n`);
    renameSync(`${file}.tmp`, file);
  };
  const prepared = (isLinux ? buildAddonInBackground() : Promise.resolve()).then(prepareWindowsEnvironment).then(
    () => {
      console.log(`[windows ring] Wine prefix, Windows Node and the win32-x64 addon ready ${((Date.now() - started) / 1000).toFixed(1)} s after the setup began`);
      ready(undefined);
    },
    (error: Error) => ready(error.message),
  );
  // The compat ring's setup builds win32-x64 in the same cmake tree: it waits for this one first.
  (globalThis as Record<symbol, unknown>)[WINDOWS_PREPARED] = prepared;
  project.provide('windowsRing', { available: true, reason: '', runDir, token });
  return async () => {
    await prepared;
    await shutdownWindowsEnvironment();
  };
}
