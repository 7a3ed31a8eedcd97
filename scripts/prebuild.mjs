#!/usr/bin/env node
// `npm run prebuild`: builds prebuilds/<platform>-<arch>/servicehost.node with cmake-js.
//
//   npm run prebuild                         the host's own target, plus win32-x64
//                                            cross-compiled with mingw-w64 on Linux
//   npm run prebuild -- --target win32-x64   one target (repeatable)
//
// Targets this host can build: its own platform (any arch cmake-js can target
// there, e.g. win32-arm64 on Windows, darwin-x64 on an arm64 Mac) and, on
// Linux, win32-x64 through cmake/mingw-w64-x86_64.cmake.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const hostTarget = `${process.platform}-${process.arch}`;

function parseTargets(argv) {
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target' && argv[i + 1]) targets.push(argv[++i]);
    else if (argv[i].startsWith('--target=')) targets.push(argv[i].slice('--target='.length));
    else throw new Error(`prebuild: unknown argument ${argv[i]}; usage: prebuild [--target <platform>-<arch>]...`);
  }
  if (targets.length > 0) return targets;
  return process.platform === 'linux' && hostTarget !== 'win32-x64' ? [hostTarget, 'win32-x64'] : [hostTarget];
}

function cmakeJsArguments(target) {
  const [platform, arch] = target.split('-');
  const out = path.join(repoRoot, 'build', `cmake-${target}`);
  const common = ['compile', '--out', out, '--config', 'Release'];
  if (platform === process.platform) return { out, args: [...common, '--arch', arch] };
  if (target === 'win32-x64' && process.platform === 'linux') {
    const toolchain = path.join(repoRoot, 'cmake', 'mingw-w64-x86_64.cmake');
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

for (const target of parseTargets(process.argv.slice(2))) {
  const { out, args } = cmakeJsArguments(target);
  console.log(`prebuild: ${target}`);
  try {
    execFileSync(process.execPath, [cmakeJs, ...args], { cwd: repoRoot, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // The compiler's errors come on stdout through ninja or make: show them.
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`prebuild: cmake-js failed for ${target}`);
  }
  const binary = findBinary(out);
  if (!binary) throw new Error(`prebuild: cmake-js finished but no servicehost.node is under ${out}`);
  const destination = path.join(repoRoot, 'prebuilds', target, 'servicehost.node');
  mkdirSync(path.dirname(destination), { recursive: true });
  // Copy, then rename: a process loading the old binary never sees half a file.
  copyFileSync(binary, `${destination}.${process.pid}.tmp`);
  renameSync(`${destination}.${process.pid}.tmp`, destination);
  console.log(`prebuild: ${path.relative(repoRoot, destination)} (${statSync(destination).size} bytes)`);
}
