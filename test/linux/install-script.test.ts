// scripts/install.js, the package's `install` script, in a staged copy of the package.
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { execFileAsync, repoRoot, runNode, stagePackageWithoutBinaries } from './helpers';

const target = `${process.platform}-${process.arch}`;

// npm gives lifecycle scripts its own node-gyp in npm_config_node_gyp; outside
// npm, take the one npm bundles next to this node.
function npmNodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter((candidate): candidate is string => !!candidate);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`npm's node-gyp was not found (tried ${candidates.join(', ')}); run the tests through npm`);
  return found;
}

async function runInstallScript(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [path.join(dir, 'scripts', 'install.js')], {
      cwd: dir,
      env: { ...process.env, npm_config_node_gyp: npmNodeGyp(), SERVICEHOST_BUILD_FROM_SOURCE: '', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('the install script', () => {
  test('uses a prebuilt binary that loads, and compiles nothing', async () => {
    const dir = stagePackageWithoutBinaries('install-prebuilt');
    mkdirSync(path.join(dir, 'prebuilds', target));
    const built = [path.join(repoRoot, 'build', 'Release', 'servicehost.node'), path.join(repoRoot, 'prebuilds', target, 'servicehost.node')].find(existsSync);
    copyFileSync(built!, path.join(dir, 'prebuilds', target, 'servicehost.node'));
    const result = await runInstallScript(dir);
    expect(result.output).toContain(`using the prebuilt binary for ${target}`);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(dir, 'build'))).toBe(false);
  });

  test('builds from source with node-gyp when the prebuilt binary does not load', async () => {
    const dir = stagePackageWithoutBinaries('install-source');
    mkdirSync(path.join(dir, 'prebuilds', target));
    writeFileSync(path.join(dir, 'prebuilds', target, 'servicehost.node'), 'not a shared object');
    const result = await runInstallScript(dir);
    expect(result.output).toContain('does not load here');
    expect(result.output).toContain('building from source');
    expect(result.code, result.output).toBe(0);
    const loaded = await runNode(`console.log(require(${JSON.stringify(path.join(dir, 'build', 'Release', 'servicehost.node'))}).getBuildInfo().platform)`);
    expect(loaded.stdout.trim()).toBe(process.platform);
  });

  test('a source build that fails says what this machine lacks and how to get it', async () => {
    const dir = stagePackageWithoutBinaries('install-failed');
    // A PATH with node alone: node-gyp cannot find Python, make or a compiler.
    const bin = path.join(dir, '.bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = await runInstallScript(dir, { SERVICEHOST_BUILD_FROM_SOURCE: '1', PATH: bin });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`the source build for ${target} failed; this machine lacks Python 3, make, a C++17 compiler`);
    expect(result.output).toContain('apt-get install -y python3 make g++');
  });
});
