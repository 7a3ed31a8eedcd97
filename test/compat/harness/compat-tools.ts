// The ring's own tools (test/compat/tools/package.json and its lock): every
// TypeScript and @types/node of the matrix, attw, publint, esbuild. Installed
// once per lock into build/compat/tools with npm ci; npm's cache keeps the
// downloads.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { compatDir } from './matrix';
import { npm } from './tools';

const source = path.resolve(__dirname, '..', 'tools');
export const toolsDir = path.join(compatDir, 'tools');

function installedLock(dir: string): string | undefined {
  const file = path.join(dir, 'package-lock.json');
  return existsSync(file) && existsSync(path.join(dir, 'node_modules', '.package-lock.json')) ? readFileSync(file, 'utf8') : undefined;
}

export async function ensureTools(): Promise<string> {
  const wanted = readFileSync(path.join(source, 'package-lock.json'), 'utf8');
  if (installedLock(toolsDir) === wanted) return toolsDir;
  const temporary = `${toolsDir}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(source, file), path.join(temporary, file));
  // No scripts: esbuild's postinstall only checks its binary, which the optional dependency brings.
  const result = await npm(['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], { cwd: temporary, timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`npm ci of the compat tools failed:\n${result.stdout}${result.stderr}`);
  // Another test file may have finished first: whichever lands, it is the same lock.
  if (installedLock(toolsDir) !== wanted) {
    rmSync(toolsDir, { recursive: true, force: true });
    try {
      renameSync(temporary, toolsDir);
    } catch (error) {
      if (installedLock(toolsDir) !== wanted) throw error;
    }
  }
  rmSync(temporary, { recursive: true, force: true });
  return toolsDir;
}

/** A tool's folder in build/compat/tools/node_modules. */
export function toolPath(...parts: string[]): string {
  return path.join(toolsDir, 'node_modules', ...parts);
}
