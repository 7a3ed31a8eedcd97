#!/usr/bin/env node
// `npm run prebuild`: builds prebuilds/<platform>-<arch>/servicehost.node with cmake-js.
//
//   npm run prebuild                         the host's own target; on Linux x64 also
//                                            linux-arm64 (g++-aarch64-linux-gnu) and
//                                            win32-x64 (mingw-w64), cross-compiled
//   npm run prebuild -- --target win32-x64   one target (repeatable)
//   npm run prebuild -- --build-dir <dir>    cmake trees under <dir> (default build/):
//                                            concurrent builds need trees of their own
//
// Targets this host can build: its own platform (any arch cmake-js can target
// there, e.g. win32-arm64 on Windows, darwin-x64 on an arm64 Mac) and, on
// Linux, the cross targets below, each through its cmake/ toolchain file.
// A Linux binary is refused when it needs a newer glibc or libstdc++ than
// Node 18's oldest supported systems have (scripts/elf-needs.mjs, LINUX_FLOOR).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { releaseDirLock, tryDirLock } from './dir-lock.mjs';
import { LINUX_FLOOR, floorViolations, highestVersions, readElfNeeds } from './elf-needs.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const hostTarget = `${process.platform}-${process.arch}`;

// Cross targets a Linux host builds, with their toolchain files (cmake/).
const linuxCrossTargets = {
  'win32-x64': 'mingw-w64-x86_64.cmake',
  'linux-arm64': 'aarch64-linux-gnu.cmake',
};

function parseArguments(argv) {
  const targets = [];
  let buildDir = path.join(repoRoot, 'build');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target' && argv[i + 1]) targets.push(argv[++i]);
    else if (argv[i].startsWith('--target=')) targets.push(argv[i].slice('--target='.length));
    else if (argv[i] === '--build-dir' && argv[i + 1]) buildDir = path.resolve(argv[++i]);
    else throw new Error(`prebuild: unknown argument ${argv[i]}; usage: prebuild [--target <platform>-<arch>]... [--build-dir <dir>]`);
  }
  if (targets.length > 0) return { targets, buildDir };
  if (process.platform !== 'linux') return { targets: [hostTarget], buildDir };
  return { targets: [hostTarget, ...Object.keys(linuxCrossTargets).filter((target) => target !== hostTarget)], buildDir };
}

function cmakeJsArguments(target, buildDir) {
  const [platform, arch] = target.split('-');
  const out = path.join(buildDir, `cmake-${target}`);
  const common = ['compile', '--out', out, '--config', 'Release'];
  if (target === hostTarget || (platform === process.platform && !(process.platform === 'linux' && linuxCrossTargets[target]))) {
    return { out, args: [...common, '--arch', arch] };
  }
  if (process.platform === 'linux' && linuxCrossTargets[target]) {
    const toolchain = path.join(repoRoot, 'cmake', linuxCrossTargets[target]);
    return { out, args: [...common, `--CDCMAKE_TOOLCHAIN_FILE=${toolchain}`] };
  }
  throw new Error(`prebuild: ${process.platform} cannot build ${target}; build it on ${platform} (see .github/workflows/release.yml)`);
}

function findBinary(folder) {
  for (const entry of readdirSync(folder)) {
    const full = path.join(folder, entry);
    if (entry === 'CMakeFiles') continue;
    if (statSync(full).isDirectory()) {
      const found = findBinary(full);
      if (found) return found;
    } else if (entry === 'servicehost.node') {
      return full;
    }
  }
  return undefined;
}

/**
 * Runs `build` holding `<out>.lock`: two cmake-js runs in one tree clean and
 * regenerate it under each other (seen: the compat ring's win32-x64 build in
 * build/cmake-win32-x64 failed with the compiler's dependency files gone while
 * another build of that tree ran). A second build of the same tree waits for
 * the first; a lock whose process has ended is taken over.
 */
function withTreeLock(out, build) {
  const lock = `${out}.lock`;
  const deadline = Date.now() + 30 * 60_000;
  for (let attempt = tryDirLock(lock); !attempt.taken; attempt = tryDirLock(lock)) {
    if (Date.now() > deadline) throw new Error(`prebuild: ${out} is still being built by process ${attempt.holder} after 30 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  try {
    return build();
  } finally {
    releaseDirLock(lock);
  }
}

const { targets, buildDir } = parseArguments(process.argv.slice(2));
for (const target of targets) {
  const { out, args } = cmakeJsArguments(target, buildDir);
  console.log(`prebuild: ${target}`);
  withTreeLock(out, () => {
    try {
      execFileSync(process.execPath, [cmakeJs, ...args], { cwd: repoRoot, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      // The compiler's errors come on stdout through ninja or make: show them.
      process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
      throw new Error(`prebuild: cmake-js failed for ${target}`);
    }
  });
  const binary = findBinary(out);
  if (!binary) throw new Error(`prebuild: cmake-js finished but no servicehost.node is under ${out}`);
  if (target.startsWith('linux-')) {
    const needs = readElfNeeds(binary);
    const violations = floorViolations(needs);
    if (violations.length > 0) {
      throw new Error(`prebuild: ${target} needs more than Node 18's oldest systems have (${JSON.stringify(LINUX_FLOOR)}):\n  ${violations.join('\n  ')}`);
    }
    const highest = highestVersions(needs);
    console.log(`prebuild: ${target} needs ${Object.entries(highest).map(([family, version]) => `${family}_${version}`).join(' ')}`);
  }
  const destination = path.join(repoRoot, 'prebuilds', target, 'servicehost.node');
  mkdirSync(path.dirname(destination), { recursive: true });
  // Copy, then rename: a process loading the old binary never sees half a file.
  copyFileSync(binary, `${destination}.${process.pid}.tmp`);
  renameSync(`${destination}.${process.pid}.tmp`, destination);
  console.log(`prebuild: ${path.relative(repoRoot, destination)} (${statSync(destination).size} bytes)`);
}
