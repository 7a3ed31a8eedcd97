#!/usr/bin/env node
// The release guard: refuses to publish a package that lacks what the README
// promises. Run by `npm publish` (prepublishOnly, on what `npm pack` would
// pack) and by .github/workflows/release.yml on the packed tarball before it
// publishes it (`npm publish <tarball>` runs no scripts of the package).
// A plain `npm pack`, as the tests make, is never refused.
//
//   node scripts/check-release.mjs                  what `npm pack` would pack here
//   node scripts/check-release.mjs servicehost.tgz  a packed tarball
//
// It checks: all six prebuilds are there and each is a binary for its own
// platform and architecture; the Linux ones ask no newer glibc or libstdc++
// than Node 18's oldest systems have; package.json names its repository (npm
// publish --provenance needs it) and its license, and LICENSE is packed;
// every file main, types, bin and exports name is packed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { floorViolations, readElfNeeds } from './elf-needs.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The prebuilds the README promises, with the binary each must be. */
export const RELEASE_TARGETS = {
  'win32-x64': { format: 'PE', machine: 'x64' },
  'win32-arm64': { format: 'PE', machine: 'arm64' },
  'linux-x64': { format: 'ELF', machine: 'x64' },
  'linux-arm64': { format: 'ELF', machine: 'arm64' },
  'darwin-x64': { format: 'Mach-O', machine: 'x64' },
  'darwin-arm64': { format: 'Mach-O', machine: 'arm64' },
};

/** What kind of binary `bytes` is: { format: 'ELF' | 'PE' | 'Mach-O', machine: 'x64' | 'arm64' | ..., library: boolean }. */
export function binaryKind(bytes) {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = { 62: 'x64', 183: 'arm64' }[bytes.readUInt16LE(18)] ?? `e_machine ${bytes.readUInt16LE(18)}`;
    return { format: 'ELF', machine, library: bytes.readUInt16LE(16) === 3 /* ET_DYN */ };
  }
  if (bytes.length >= 64 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 24 <= bytes.length && bytes.readUInt32BE(pe) === 0x50450000) {
      const raw = bytes.readUInt16LE(pe + 4);
      const machine = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' }[raw] ?? `machine 0x${raw.toString(16)}`;
      return { format: 'PE', machine, library: (bytes.readUInt16LE(pe + 22) & 0x2000) !== 0 /* IMAGE_FILE_DLL */ };
    }
  }
  if (bytes.length >= 16 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const raw = bytes.readUInt32LE(4);
    const machine = { 0x01000007: 'x64', 0x0100000c: 'arm64' }[raw] ?? `cputype 0x${raw.toString(16)}`;
    const fileType = bytes.readUInt32LE(12);
    return { format: 'Mach-O', machine, library: fileType === 6 /* MH_DYLIB */ || fileType === 8 /* MH_BUNDLE */ };
  }
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xcafebabe) return { format: 'Mach-O universal', machine: 'several', library: true };
  return { format: 'unknown', machine: 'unknown', library: false };
}

/** The files of a .tgz as npm packs it: Map of path (without "package/") to contents. */
export function readTarball(file) {
  const data = gunzipSync(readFileSync(file));
  const files = new Map();
  let longName;
  for (let at = 0; at + 512 <= data.length; ) {
    const header = data.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start, length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const body = data.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (match) longName = match[1];
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const name = longName ?? (text(257, 6) === 'ustar' && text(345, 155) ? `${text(345, 155)}/${text(0, 100)}` : text(0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') files.set(name.replace(/^[^/]+\//, ''), Buffer.from(body));
  }
  return files;
}

/** What `npm pack` would pack in `folder`: Map of path to contents. */
function packedHere(folder) {
  const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;
  const [command, prefix] = npmCli ? [process.execPath, [npmCli]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  const output = execFileSync(command, [...prefix, 'pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: folder,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const [entry] = JSON.parse(output);
  const files = new Map();
  for (const { path: file } of entry.files) files.set(file, readFileSync(path.join(folder, file)));
  return files;
}

function exportTargets(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const inner of Object.values(value)) exportTargets(inner, out);
  return out;
}

/** Every reason not to publish `files` (a Map of packed path to contents); [] when it may go out. */
export function releaseProblems(files) {
  const problems = [];
  for (const [target, expected] of Object.entries(RELEASE_TARGETS)) {
    const name = `prebuilds/${target}/servicehost.node`;
    const bytes = files.get(name);
    if (!bytes) {
      problems.push(`${name} is missing (build it on ${target.split('-')[0]}: .github/workflows/release.yml)`);
      continue;
    }
    const kind = binaryKind(bytes);
    if (kind.format !== expected.format || kind.machine !== expected.machine || !kind.library) {
      const found = `${kind.format} ${kind.machine}${kind.library ? '' : ' (not a library)'}`;
      problems.push(`${name} is ${found}, not the ${expected.format} ${expected.machine} library ${target} needs`);
      continue;
    }
    if (expected.format === 'ELF') {
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'servicehost-release-'));
      try {
        writeFileSync(path.join(scratch, 'servicehost.node'), bytes);
        for (const violation of floorViolations(readElfNeeds(path.join(scratch, 'servicehost.node')))) problems.push(`${name} needs ${violation}`);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
  const manifestBytes = files.get('package.json');
  if (!manifestBytes) return [...problems, 'package.json is missing'];
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!repository) problems.push('package.json has no repository (npm publish --provenance refuses a package without one)');
  if (!manifest.license) problems.push('package.json has no license');
  if (![...files.keys()].some((file) => /^(LICEN[CS]E|COPYING)(\.|$)/i.test(file))) problems.push('no LICENSE file is packed');
  const named = [manifest.main, manifest.types, ...(typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})), ...exportTargets(manifest.exports)];
  for (const file of new Set(named.filter(Boolean).map((entry) => path.posix.normalize(entry)))) {
    if (!files.has(file)) problems.push(`${file} is named by package.json but not packed`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tarball] = process.argv.slice(2);
  const what = tarball ?? 'what npm pack would pack';
  const files = tarball ? readTarball(tarball) : packedHere(repoRoot);
  const problems = releaseProblems(files);
  if (problems.length > 0) {
    console.error(`check-release: refusing to publish ${what}:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    const prebuilds = Object.keys(RELEASE_TARGETS).join(', ');
    console.log(`check-release: ${what} holds all six prebuilds (${prebuilds}), a repository, a license and every file package.json names.`);
  }
}
