// Prepares the compat ring once: the prebuilds this Linux host can make
// (linux-x64, linux-arm64 and win32-x64), and the tarball `npm pack` makes of
// the package, which every consumer installs. Vitest runs the projects' global
// setups one after another before any test, so the build trees are the usual
// build/cmake-<target> ones: the Windows ring's setup has just built win32-x64
// there (so this build of it is a no-op), and package.test.ts's later linux-x64
// build finds nothing to do. Each target builds in a process of its own, side by side.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { compatDir, repoRoot } from './matrix';
import { buildBullseyeRoot, bullseyeProblem } from './roots';
import { npm, onPath, run } from './tools';

export interface CompatRing {
  /** The packed tarball (build/compat/pack/servicehost-<version>.tgz). */
  tarball: string;
  /** The files `npm pack` put in it. */
  files: string[];
  /** Prebuild targets that could not be built here, with why. */
  missingTargets: Record<string, string>;
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
  const builds = await Promise.all(
    targets.map((target) => run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', target], { cwd: repoRoot, timeoutMs: 600_000 })),
  );
  const failed = builds.find((build) => build.code !== 0);
  if (failed) throw new Error(`compat ring: npm run prebuild failed:\n${failed.stdout}${failed.stderr}`);

  const packDir = path.join(compatDir, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  // --ignore-scripts: dist/ is compiled (npm test does it first); `prepare` would recompile it under the other rings' feet.
  const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot });
  if (packed.code !== 0) throw new Error(`compat ring: npm pack failed:\n${packed.stderr}`);
  const [entry] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  const tarball = path.join(packDir, entry.filename);
  if (!existsSync(tarball)) throw new Error(`compat ring: npm pack wrote no ${tarball} (${readdirSync(packDir).join(', ')})`);
  project.provide('compatRing', { tarball, files: entry.files.map((file) => file.path), missingTargets });
  console.log(`[compat ring] prebuilt ${targets.join(', ')} and packed ${path.relative(repoRoot, tarball)} in ${Date.now() - started} ms`);
  return async () => {
    await warmRoot;
  };
}
