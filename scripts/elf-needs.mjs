// What a Linux shared object asks of the system's libraries: its symbol
// version needs (the .gnu.version_r section, what `readelf -V` prints), read
// with no binutils so that it works for any architecture's ELF file.
//
//   node scripts/elf-needs.mjs prebuilds/linux-x64/servicehost.node
//
// prints the needed libraries, the highest GLIBC_, GLIBCXX_, CXXABI_ and GCC_
// versions, and the symbols that need each of those highest versions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The oldest system a Linux prebuild must load on: Node 18's own floor
 * (glibc 2.28: Debian 10, RHEL 8, Ubuntu 20.04 has 2.31). GLIBCXX and CXXABI
 * may not exceed what GCC 8's libstdc++ has (RHEL 8, Debian 10), which is also
 * below what Node 18's own binary needs.
 */
export const LINUX_FLOOR = { GLIBC: '2.28', GLIBCXX: '3.4.25', CXXABI: '1.3.11', GCC: '7.0.0' };

const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

/** Compares dotted versions numerically: '2.9' < '2.28'. */
export function compareVersions(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Reads a 64-bit little-endian ELF file (x86-64, aarch64).
 * Returns { machine, needed: [{ file, versions: ['GLIBC_2.14', ...] }], symbols: [{ name, version }] }
 * where `symbols` are the undefined dynamic symbols with the version they bind to.
 */
export function readElfNeeds(file) {
  const data = readFileSync(file);
  if (data.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
  if (data[4] !== 2 || data[5] !== 1) throw new Error(`${file}: only 64-bit little-endian ELF is read here`);
  const machine = { 62: 'x86-64', 183: 'aarch64' }[data.readUInt16LE(18)] ?? `machine ${data.readUInt16LE(18)}`;
  const sectionOffset = Number(data.readBigUInt64LE(40));
  const sectionSize = data.readUInt16LE(58);
  const sectionCount = data.readUInt16LE(60);
  const sections = [];
  for (let i = 0; i < sectionCount; i++) {
    const at = sectionOffset + i * sectionSize;
    sections.push({
      type: data.readUInt32LE(at + 4),
      offset: Number(data.readBigUInt64LE(at + 24)),
      size: Number(data.readBigUInt64LE(at + 32)),
      link: data.readUInt32LE(at + 40),
      info: data.readUInt32LE(at + 44),
      entrySize: Number(data.readBigUInt64LE(at + 56)),
    });
  }
  const stringAt = (table, offset) => {
    const start = table.offset + offset;
    return data.toString('latin1', start, data.indexOf(0, start));
  };

  const needed = [];
  const versionNames = new Map();
  const verneed = sections.find((section) => section.type === SHT_GNU_VERNEED);
  if (verneed) {
    const strings = sections[verneed.link];
    let at = verneed.offset;
    for (let entry = 0; entry < verneed.info; entry++) {
      const count = data.readUInt16LE(at + 2);
      const versions = [];
      let aux = at + data.readUInt32LE(at + 8);
      for (let k = 0; k < count; k++) {
        const name = stringAt(strings, data.readUInt32LE(aux + 8));
        versionNames.set(data.readUInt16LE(aux + 6), name);
        versions.push(name);
        aux += data.readUInt32LE(aux + 12);
      }
      needed.push({ file: stringAt(strings, data.readUInt32LE(at + 4)), versions });
      const next = data.readUInt32LE(at + 12);
      if (next === 0) break;
      at += next;
    }
  }

  const symbols = [];
  const dynsym = sections.find((section) => section.type === SHT_DYNSYM);
  const versym = sections.find((section) => section.type === SHT_GNU_VERSYM);
  if (dynsym && versym) {
    const strings = sections[dynsym.link];
    const count = dynsym.size / dynsym.entrySize;
    for (let i = 1; i < count; i++) {
      const at = dynsym.offset + i * dynsym.entrySize;
      const sectionIndex = data.readUInt16LE(at + 6);
      if (sectionIndex !== 0) continue; // defined here, not needed from elsewhere
      const version = versionNames.get(data.readUInt16LE(versym.offset + i * 2) & 0x7fff);
      if (version) symbols.push({ name: stringAt(strings, data.readUInt32LE(at)), version });
    }
  }
  return { machine, needed, symbols };
}

/** The highest needed version per family: { GLIBC: '2.17', GLIBCXX: '3.4.21', ... }. */
export function highestVersions(needs) {
  const highest = {};
  for (const { versions } of needs.needed) {
    for (const version of versions) {
      const match = /^([A-Z]+)_([0-9.]+)$/.exec(version);
      if (!match) continue;
      const [, family, number] = match;
      if (!highest[family] || compareVersions(number, highest[family]) > 0) highest[family] = number;
    }
  }
  return highest;
}

/** Needs above LINUX_FLOOR, each with the symbols that ask for it: [] when the binary is within the floor. */
export function floorViolations(needs, floor = LINUX_FLOOR) {
  const violations = [];
  for (const { versions } of needs.needed) {
    for (const version of versions) {
      const match = /^([A-Z]+)_([0-9.]+)$/.exec(version);
      if (!match || !floor[match[1]] || compareVersions(match[2], floor[match[1]]) <= 0) continue;
      const symbols = needs.symbols.filter((symbol) => symbol.version === version).map((symbol) => symbol.name);
      violations.push(`${version} (floor ${match[1]}_${floor[match[1]]}) for ${symbols.join(', ') || 'a symbol'}`);
    }
  }
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let failed = false;
  for (const file of process.argv.slice(2)) {
    const needs = readElfNeeds(file);
    const highest = highestVersions(needs);
    console.log(`${file} (${needs.machine})`);
    console.log(`  needs: ${needs.needed.map((entry) => entry.file).join(', ')}`);
    console.log(`  highest: ${Object.entries(highest).map(([family, version]) => `${family}_${version}`).join(' ')}`);
    for (const [family, version] of Object.entries(highest)) {
      const users = needs.symbols.filter((symbol) => symbol.version === `${family}_${version}`).map((symbol) => symbol.name);
      console.log(`    ${family}_${version}: ${users.join(' ')}`);
    }
    const violations = floorViolations(needs);
    for (const violation of violations) console.log(`  ABOVE THE FLOOR: ${violation}`);
    failed ||= violations.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}
