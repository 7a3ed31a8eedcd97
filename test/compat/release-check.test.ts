// The release guard (scripts/check-release.mjs): a package without all six
// prebuilds the README promises is never published, while a plain `npm pack`,
// as every test makes, still works.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { runDir } from './harness/consumer';
import { repoRoot } from './harness/matrix';
import { execFileAsync, npm, run } from './harness/tools';

const ring = inject('compatRing');
const checkRelease = path.join(repoRoot, 'scripts', 'check-release.mjs');
const SIX = ['win32-x64', 'win32-arm64', 'linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];

// The first bytes of a binary of each kind: what the guard reads to tell them apart.
function peHeader(machine: number): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.writeUInt32BE(0x50450000, 0x80);
  bytes.writeUInt16LE(machine, 0x84);
  bytes.writeUInt16LE(0x2022, 0x80 + 22); // executable, large-address aware, DLL
  return bytes;
}
function machOHeader(cpuType: number): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.writeUInt32LE(0xfeedfacf, 0);
  bytes.writeUInt32LE(cpuType, 4);
  bytes.writeUInt32LE(8, 12); // MH_BUNDLE, what a .node is on macOS
  return bytes;
}

describe('the release guard', () => {
  let staged: string;
  beforeAll(async () => {
    staged = runDir('release-check');
    await execFileAsync('tar', ['-xzf', ring.tarball, '-C', staged]);
  });

  async function repack(label: string, change: (packageDir: string) => void): Promise<string> {
    const dir = runDir(`release-check-${label}`);
    cpSync(path.join(staged, 'package'), path.join(dir, 'package'), { recursive: true });
    change(path.join(dir, 'package'));
    const tarball = path.join(dir, 'servicehost.tgz');
    await execFileAsync('tar', ['-czf', tarball, '-C', dir, 'package']);
    return tarball;
  }

  test('a plain npm pack is allowed: the ring packed its tarball with only the prebuilds this host builds', () => {
    expect(existsSync(ring.tarball)).toBe(true);
    const prebuilds = ring.files.filter((file) => file.startsWith('prebuilds/') && file.endsWith('.node'));
    expect(prebuilds.length).toBeGreaterThan(0);
    expect(prebuilds.length).toBeLessThan(6);
  });

  test('refuses the locally packed tarball and names every missing prebuild', async () => {
    const result = await run(process.execPath, [checkRelease, ring.tarball]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to publish');
    for (const target of SIX) {
      const packed = ring.files.includes(`prebuilds/${target}/servicehost.node`);
      expect(result.stderr.includes(`prebuilds/${target}/servicehost.node is missing`), target).toBe(!packed);
    }
  });

  test('npm publish runs it first (prepublishOnly) and stops', async () => {
    // The package as packed, plus the guard's own scripts (the tarball holds only install.js).
    const dir = path.join(staged, 'package');
    for (const script of ['check-release.mjs', 'elf-needs.mjs']) copyFileSync(path.join(repoRoot, 'scripts', script), path.join(dir, 'scripts', script));
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts.prepublishOnly).toBe('node scripts/check-release.mjs');
    const result = await npm(['publish', '--dry-run'], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('check-release: refusing to publish');
  });

  test('accepts a tarball with all six prebuilds, each the binary of its platform', async () => {
    const tarball = await repack('six', (dir) => {
      const standIns: Record<string, Buffer> = {
        'win32-arm64': peHeader(0xaa64),
        'darwin-x64': machOHeader(0x01000007),
        'darwin-arm64': machOHeader(0x0100000c),
      };
      for (const target of SIX) {
        const file = path.join(dir, 'prebuilds', target, 'servicehost.node');
        if (existsSync(file)) continue;
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, standIns[target] ?? Buffer.alloc(0));
      }
    });
    const result = await run(process.execPath, [checkRelease, tarball]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('holds all six prebuilds');
    expect(result.code).toBe(0);
  });

  test('refuses a prebuild of the wrong architecture, and a package.json without repository', async () => {
    const tarball = await repack('wrong', (dir) => {
      for (const target of ['win32-arm64', 'darwin-x64', 'darwin-arm64', 'linux-arm64']) {
        const file = path.join(dir, 'prebuilds', target, 'servicehost.node');
        mkdirSync(path.dirname(file), { recursive: true });
        copyFileSync(path.join(dir, 'prebuilds', 'linux-x64', 'servicehost.node'), file);
      }
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      delete manifest.repository;
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    });
    const result = await run(process.execPath, [checkRelease, tarball]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('prebuilds/linux-arm64/servicehost.node is ELF x64, not the ELF arm64 library linux-arm64 needs');
    expect(result.stderr).toContain('prebuilds/darwin-arm64/servicehost.node is ELF x64, not the Mach-O arm64 library darwin-arm64 needs');
    expect(result.stderr).toContain('package.json has no repository');
  });
});
