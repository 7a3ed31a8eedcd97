// The older root for load tests: `debootstrap --variant=minbase bullseye`
// (glibc 2.31; Debian's mirror serves bullseye, buster is gone) plus libatomic1,
// which Node 24 and newer need, made once
// and kept in build/compat/roots/bullseye. It needs no systemd; it is entered
// with unshare + chroot and never booted.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compatDir } from './matrix';
import { findProgram, run } from './tools';

export const BULLSEYE_ROOT = path.join(compatDir, 'roots', 'bullseye');
const readyMarker = path.join(BULLSEYE_ROOT, '.servicehost-ready');
export const DEBIAN_MIRROR = process.env.SERVICEHOST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/** Why the bullseye root cannot be made or entered here, or undefined. */
export function bullseyeProblem(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the bullseye root is an x86-64 Linux root';
  if (process.getuid?.() !== 0) return 'debootstrap, mount and chroot need root (bash .ci/run runs as root or with sudo)';
  const missing = ['debootstrap', 'unshare', 'mount', 'chroot'].filter((program) => !findProgram(program));
  if (missing.length > 0) return `${missing.join(', ')} not installed (Debian packages debootstrap, util-linux, coreutils); bash .ci/run installs them`;
  return undefined;
}

export async function ensureBullseyeRoot(): Promise<string> {
  if (existsSync(readyMarker)) return BULLSEYE_ROOT;
  const temporary = `${BULLSEYE_ROOT}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  const result = await run(findProgram('debootstrap')!, ['--variant=minbase', '--include=libatomic1', 'bullseye', temporary, DEBIAN_MIRROR], { timeoutMs: 900_000 });
  if (result.code !== 0) {
    rmSync(temporary, { recursive: true, force: true });
    throw new Error(`debootstrap bullseye failed (${result.code}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-4000)}`);
  }
  rmSync(BULLSEYE_ROOT, { recursive: true, force: true });
  renameSync(temporary, BULLSEYE_ROOT);
  writeFileSync(readyMarker, `${new Date().toISOString()} debootstrap --variant=minbase --include=libatomic1 bullseye ${DEBIAN_MIRROR}\n`);
  return BULLSEYE_ROOT;
}
