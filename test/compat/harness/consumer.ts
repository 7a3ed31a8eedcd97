// An empty project that installs the packed tarball the way a user does, with
// a PATH that holds the Node under test and sh (npm runs install scripts
// through sh) and no compiler, make or Python: the install must not build.
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compatDir } from './matrix';
import { npm, onPath } from './tools';

/** What must not be on a consumer's PATH: everything a source build needs. */
export const BUILD_TOOLS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'make', 'python', 'python3', 'node-gyp', 'cmake'];

export const fixturesDir = path.resolve(__dirname, '..', 'fixtures');

export interface Consumer {
  dir: string;
  /** The consumer's whole PATH: one folder with node and sh in it. */
  PATH: string;
  /** A clean environment for programs run in the consumer. */
  env: NodeJS.ProcessEnv;
  installOutput: string;
}

/** A fresh folder under build/compat/run. */
export function runDir(label: string): string {
  const dir = path.join(compatDir, 'run', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A clean environment: nothing of the test runner's (NODE_OPTIONS, VITEST, NOTIFY_SOCKET...) leaks in. */
export function cleanEnv(PATH: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', ...extra };
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  return env;
}

/**
 * Installs `tarball` into a new project with the Node `node` as the only
 * Node on PATH. `allowScripts`: list servicehost in the project's allowScripts
 * (npm 11 skips a dependency's install script unless the project allows it).
 */
export async function installConsumer(
  label: string,
  options: {
    node: string;
    tarball: string;
    allowScripts?: boolean;
    ignoreScripts?: boolean;
    extraDependencies?: string[];
    /** The host's PATH after node's folder, compilers and all (a source build), and these variables. */
    withBuildTools?: NodeJS.ProcessEnv;
  },
): Promise<Consumer> {
  const dir = runDir(label);
  const bin = path.join(dir, '.bin-node-only');
  mkdirSync(bin);
  symlinkSync(options.node, path.join(bin, path.basename(options.node) === 'node.exe' ? 'node.exe' : 'node'));
  symlinkSync('/bin/sh', path.join(bin, 'sh'));
  const PATH = options.withBuildTools ? `${bin}${path.delimiter}${process.env.PATH ?? ''}` : bin;
  const present = BUILD_TOOLS.filter((tool) => onPath(tool, PATH));
  if (!options.withBuildTools && present.length > 0) throw new Error(`the consumer's PATH must hold no build tools, but has ${present.join(', ')}`);
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${label}`, version: '1.0.0', private: true, ...(options.allowScripts !== false ? { allowScripts: { servicehost: true } } : {}) }, null, 2)}\n`,
  );
  cpSync(fixturesDir, path.join(dir, 'fixtures'), { recursive: true });
  const env = cleanEnv(PATH, options.withBuildTools);
  const result = await npm(
    ['install', options.tarball, ...(options.extraDependencies ?? []), '--no-audit', '--no-fund', '--foreground-scripts', '--prefer-offline', ...(options.ignoreScripts ? ['--ignore-scripts'] : [])],
    { cwd: dir, env, timeoutMs: 300_000 },
  );
  const installOutput = `${result.stdout}${result.stderr}`;
  if (result.code !== 0) throw new Error(`npm install of the tarball failed in ${dir}:\n${installOutput}`);
  return { dir, PATH, env, installOutput };
}
