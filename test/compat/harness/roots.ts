// The older root for load tests: `debootstrap --variant=minbase bullseye`
// (glibc 2.31; Debian's mirror serves bullseye, buster is gone) plus
// libatomic1, which Node 24 and newer need, made once and kept in
// build/compat/roots/bullseye. It needs no systemd; it is entered with
// unshare + chroot and never booted. Root, or passwordless sudo (CI runners).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

const lockDir = `${BULLSEYE_ROOT}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes the root once. The ring's global setup starts this in the background
 * (debootstrap is mostly download: it overlaps the rings that run first) and
 * glibc.test.ts's worker calls it again: a lock folder holding the builder's
 * PID makes the second caller wait for the first rather than build beside it.
 */
export async function buildBullseyeRoot(): Promise<string> {
  const ready = () => existsSync(readyMarker) && existsSync(path.join(BULLSEYE_ROOT, 'lib', 'x86_64-linux-gnu', 'libc.so.6'));
  mkdirSync(path.dirname(BULLSEYE_ROOT), { recursive: true });
  for (;;) {
    if (ready()) return BULLSEYE_ROOT;
    try {
      mkdirSync(lockDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileOr(path.join(lockDir, 'pid')), 10);
      // A holder that has not written its PID yet is seconds old: wait for it.
      if (Number.isInteger(holder) && !alive(holder)) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      if (!ready()) await debootstrapBullseye();
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
  }
}

function readFileOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function debootstrapBullseye(): Promise<void> {
  const temporary = `${BULLSEYE_ROOT}.${process.pid}.tmp`;
  const remove = (dir: string) => run(...privileged(findProgram('rm')!, ['-rf', '--one-file-system', dir]));
  await remove(temporary);
  // Mostly made while other rings' files run (the ring's setup starts it): background priority.
  const result = await run(...privileged(findProgram('debootstrap')!, ['--variant=minbase', '--include=libatomic1', 'bullseye', temporary, DEBIAN_MIRROR]), { timeoutMs: 900_000, background: true });
  if (result.code !== 0) {
    await remove(temporary);
    throw new Error(`debootstrap bullseye failed (${result.code}${result.signal ? `, ${result.signal}` : ''}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-4000)}`);
  }
  await remove(BULLSEYE_ROOT);
  renameSync(temporary, BULLSEYE_ROOT);
  writeFileSync(readyMarker, `${new Date().toISOString()} debootstrap --variant=minbase --include=libatomic1 bullseye ${DEBIAN_MIRROR}\n`);
}

export async function ensureBullseyeRoot(): Promise<string> {
  await buildBullseyeRoot();
  if (!isRoot) {
    await run(...privileged(findProgram('mkdir')!, ['-p', BULLSEYE_WORK]));
    await run(...privileged(findProgram('chown')!, [`${process.getuid!()}:${process.getgid!()}`, BULLSEYE_WORK]));
  }
  mkdirSync(BULLSEYE_WORK, { recursive: true });
  // Emptied, not removed: without root, only this folder of the root is ours.
  for (const entry of readdirSync(BULLSEYE_WORK)) rmSync(path.join(BULLSEYE_WORK, entry), { recursive: true, force: true });
  return BULLSEYE_ROOT;
}
