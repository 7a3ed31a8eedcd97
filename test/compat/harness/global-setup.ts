// Prepares the compat ring once: the prebuilds this Linux host can make
// (linux-x64, linux-arm64 and win32-x64), and the tarball `npm pack` makes of
// the package, which every consumer installs.
//
// Vitest runs every project's global setup, one after another, before any test
// file: building here held back every ring. So the builds and the pack run in
// the background, overlapping the rings that run before this one, and each
// compat file waits for them before its first hook (ready.ts, the project's
// setup file, which also fills in the packed files' list). linux-x64 and
// linux-arm64 build in cmake trees of the ring's own (build/compat/cmake-*):
// the linux ring's package.test.ts builds linux-x64 in build/cmake-linux-x64 at
// the same time, and two cmake-js runs must not share a tree. win32-x64 builds
// in the usual tree after the Windows ring's background setup has built it
// there (so this build of it is a no-op). Each target builds in a process of its own.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { compatDir, repoRoot } from './matrix';
import { compatReadyFile, type CompatReady } from './ready-file';
import { buildBullseyeRoot, bullseyeProblem } from './roots';
import { npm, onPath, run } from './tools';

export interface CompatRing {
  /** The packed tarball (build/compat/pack/servicehost-<version>.tgz). */
  tarball: string;
  /** The files `npm pack` put in it: filled in by ready.ts once the background pack has ended. */
  files: string[];
  /** Prebuild targets that could not be built here, with why. */
  missingTargets: Record<string, string>;
  /** build/compat/ready: where ready.json appears once the builds and the pack end. */
  runDir: string;
  token: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    compatRing: CompatRing;
  }
}

/** CI must run every row: a missing tool fails there instead of skipping. */
export function ringRequired(): boolean {
  return process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_COMPAT === '1';
}

const crossCompilers: Record<string, string> = {
  'linux-arm64': 'aarch64-linux-gnu-g++',
  'win32-x64': 'x86_64-w64-mingw32-g++-posix',
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // The bullseye root (glibc.test.ts) is mostly a download: made in the
  // background from here, it overlaps the rings that run before it. The
  // teardown waits for it, so no debootstrap outlives the run.
  const rootProblem = bullseyeProblem();
  const warmRoot = rootProblem
    ? Promise.resolve()
    : buildBullseyeRoot().then(
        () => console.log(`[compat ring] bullseye root ready ${Math.round((Date.now() - started) / 1000)} s after the ring's setup began`),
        (error: Error) => console.warn(`[compat ring] building the bullseye root in the background failed (glibc.test.ts tries again): ${error.message.split('\n')[0]}`),
      );
  const missingTargets: Record<string, string> = {};
  const targets = ['linux-x64'];
  for (const [target, compiler] of Object.entries(crossCompilers)) {
    if (onPath(compiler)) targets.push(target);
    else missingTargets[target] = `${compiler} is not installed (bash .ci/run installs it)`;
  }
  if (ringRequired() && Object.keys(missingTargets).length > 0) {
    throw new Error(`compat ring: cannot build ${Object.entries(missingTargets).map(([t, why]) => `${t}: ${why}`).join('; ')}`);
  }
  const runDir = path.join(compatDir, 'ready');
  const token = `${process.pid}-${Date.now()}`;
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const { name, version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const packDir = path.join(compatDir, 'pack');
  // npm pack's own name for the tarball (an unscoped name; a scope would become its prefix).
  const tarball = path.join(packDir, `${name.replace(/^@/u, '').replace('/', '-')}-${version}.tgz`);
  const ready = (result: CompatReady): void => {
    const file = compatReadyFile(runDir);
    // Written whole, then renamed into place: a reader never sees half of it.
    writeFileSync(`${file}.tmp`, `${JSON.stringify(result)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  const prepared = prepare(targets, packDir, tarball).then(
    (files) => {
      console.log(`[compat ring] prebuilt ${targets.join(', ')} and packed ${path.relative(repoRoot, tarball)} ${((Date.now() - started) / 1000).toFixed(1)} s after the setup began`);
      ready({ token, files });
    },
    (error: Error) => ready({ token, error: error.message }),
  );
  project.provide('compatRing', { tarball, files: [], missingTargets, runDir, token });
  return async () => {
    await Promise.all([prepared, warmRoot]);
  };
}

/** The Windows ring's background preparation, when this run has that ring (test/windows/harness/global-setup.ts). */
const windowsPrepared = (): Promise<unknown> | undefined => (globalThis as Record<symbol, Promise<unknown> | undefined>)[Symbol.for('servicehost.windows-ring.prepared')];

/** Builds every target, packs, and returns the packed files. */
async function prepare(targets: string[], packDir: string, tarball: string): Promise<string[]> {
  const prebuild = async (target: string) => {
    if (target === 'win32-x64') await windowsPrepared();
    // win32-x64 shares the Windows ring's tree (its build is done by now); the Linux targets get trees of their own.
    const buildDir = target === 'win32-x64' ? [] : ['--build-dir', compatDir];
    return run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', target, ...buildDir], { cwd: repoRoot, timeoutMs: 600_000, background: true });
  };
  const builds = await Promise.all(targets.map(prebuild));
  const failed = builds.find((build) => build.code !== 0);
  if (failed) throw new Error(`compat ring: npm run prebuild failed:\n${failed.stdout}${failed.stderr}`);

  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  // --ignore-scripts: dist/ is compiled (npm test does it first); `prepare` would recompile it under the other rings' feet.
  const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot });
  if (packed.code !== 0) throw new Error(`compat ring: npm pack failed:\n${packed.stderr}`);
  const [entry] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  if (path.join(packDir, entry.filename) !== tarball) throw new Error(`compat ring: npm pack wrote ${entry.filename}, not ${path.basename(tarball)}`);
  if (!existsSync(tarball)) throw new Error(`compat ring: npm pack wrote no ${tarball} (${readdirSync(packDir).join(', ')})`);
  return entry.files.map((file) => file.path);
}
