import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const execFileAsync = promisify(execFile);

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `servicehost-${label}-`));
}

/** Runs `node -e script` and returns its outcome, never throwing for a non-zero exit. */
export async function runNode(
  script: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [...(options.args ?? []), '-e', script], {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * A copy of the package as an installed one looks, without its binaries:
 * package.json, dist/, scripts/, the build files and cpp/, with node_modules
 * linked to the repository's.
 */
export function stagePackageWithoutBinaries(label: string): string {
  const dir = tempDir(label);
  for (const entry of ['package.json', 'dist', 'scripts', 'cpp', 'binding.gyp']) {
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  }
  mkdirSync(path.join(dir, 'prebuilds'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}
