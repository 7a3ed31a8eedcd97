// The older root for load tests: `debootstrap --variant=minbase bullseye`
// (glibc 2.31; Debian's mirror serves bullseye, buster is gone) plus
// libatomic1, which Node 24 and newer need, made once and kept in
// build/compat/roots/bullseye. It needs no systemd; it is entered with
// unshare + chroot and never booted. Root, or passwordless sudo (CI runners).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compatDir } from './matrix';
import { findProgram, run } from './tools';

export const BULLSEYE_ROOT = path.join(compatDir, 'roots', 'bullseye');
const readyMarker = `${BULLSEYE_ROOT}.ready`;
/** The one folder of the root the tests write to: owned by whoever runs them. */
export const BULLSEYE_WORK = path.join(BULLSEYE_ROOT, 'servicehost-compat');
export const DEBIAN_MIRROR = process.env.SERVICEHOST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

const isRoot = process.getuid?.() === 0;
let sudoWorks: boolean | undefined;
function canSudo(): boolean {
  if (sudoWorks === undefined) {
    try {
      execFileSync(findProgram('sudo') ?? 'sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
      sudoWorks = true;
    } catch {
      sudoWorks = false;
    }
  }
  return sudoWorks;
}

/** `command args` as root: itself when root, else through sudo -n, with `env` passed on the command line (sudo resets it). */
export function privileged(command: string, args: string[], env: NodeJS.ProcessEnv = {}): [string, string[]] {
  if (isRoot) return [command, args];
  const assignments = Object.entries(env).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${value}`);
  return [findProgram('sudo')!, ['-n', findProgram('env')!, ...assignments, command, ...args]];
}

/** Why the bullseye root cannot be made or entered here, or undefined. */
export function bullseyeProblem(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the bullseye root is an x86-64 Linux root';
  const missing = ['debootstrap', 'unshare', 'mount', 'chroot', 'env'].filter((program) => !findProgram(program));
  if (missing.length > 0) return `${missing.join(', ')} not installed (Debian packages debootstrap, util-linux, coreutils); bash .ci/run installs them`;
  if (!isRoot && !canSudo()) return 'debootstrap, mount and chroot need root: run as root or with passwordless sudo';
  return undefined;
}

export async function ensureBullseyeRoot(): Promise<string> {
  if (!existsSync(readyMarker) || !existsSync(path.join(BULLSEYE_ROOT, 'lib', 'x86_64-linux-gnu', 'libc.so.6'))) {
    const temporary = `${BULLSEYE_ROOT}.${process.pid}.tmp`;
    const remove = (dir: string) => run(...privileged(findProgram('rm')!, ['-rf', '--one-file-system', dir]));
    await remove(temporary);
    mkdirSync(path.dirname(BULLSEYE_ROOT), { recursive: true });
    const result = await run(...privileged(findProgram('debootstrap')!, ['--variant=minbase', '--include=libatomic1', 'bullseye', temporary, DEBIAN_MIRROR]), { timeoutMs: 900_000 });
    if (result.code !== 0) {
      await remove(temporary);
      throw new Error(`debootstrap bullseye failed (${result.code}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-4000)}`);
    }
    await remove(BULLSEYE_ROOT);
    renameSync(temporary, BULLSEYE_ROOT);
    writeFileSync(readyMarker, `${new Date().toISOString()} debootstrap --variant=minbase --include=libatomic1 bullseye ${DEBIAN_MIRROR}\n`);
  }
  if (!isRoot) {
    await run(...privileged(findProgram('mkdir')!, ['-p', BULLSEYE_WORK]));
    await run(...privileged(findProgram('chown')!, [`${process.getuid!()}:${process.getgid!()}`, BULLSEYE_WORK]));
  }
  mkdirSync(BULLSEYE_WORK, { recursive: true });
  // Emptied, not removed: without root, only this folder of the root is ours.
  for (const entry of readdirSync(BULLSEYE_WORK)) rmSync(path.join(BULLSEYE_WORK, entry), { recursive: true, force: true });
  return BULLSEYE_ROOT;
}
