// scripts/install.js, the package's `install` script, in a staged copy of the package.
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';
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

async function runInstallScript(dir: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [...nodeArgs, path.join(dir, 'scripts', 'install.js')], {
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

  test('a source build asked for (SERVICEHOST_BUILD_FROM_SOURCE=1) that fails fails the install, saying what this machine lacks', async () => {
    const dir = stagePackageWithoutBinaries('install-failed');
    const result = await runInstallScript(dir, { SERVICEHOST_BUILD_FROM_SOURCE: '1', PATH: nodeOnlyPath(dir) });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`the source build for ${target} failed; this machine lacks Python 3 (python3, python), make, a C++17 compiler (c++, g++, clang++)`);
    expect(result.output).toContain('apt-get install -y python3 make g++');
  });
});

// A PATH with node alone: node-gyp finds no Python, make or compiler.
function nodeOnlyPath(dir: string): string {
  const bin = path.join(dir, '.bin-node-only');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

// A copy of the package as Alpine/musl or FreeBSD meets it: the prebuild there does not load.
function stageUnloadablePrebuild(label: string): string {
  const dir = stagePackageWithoutBinaries(label);
  mkdirSync(path.join(dir, 'prebuilds', target));
  writeFileSync(path.join(dir, 'prebuilds', target, 'servicehost.node'), 'not a shared object');
  return dir;
}

// A Service in the staged copy; one JSON line per event on stdout.
const addonlessService = `'use strict';
const { Service } = require(__dirname);
const say = (event, extra = {}) => process.stdout.write(JSON.stringify({ event, at: '0', ...extra }) + '\\n');
const service = new Service({ name: 'addonless' });
say('host', { kind: service.host.kind });
service.defer('db', () => say('step'));
service.stopped.then((outcome) => say('stopped', { exitCode: outcome.exitCode, steps: outcome.steps.map((s) => s.name + ':' + s.outcome) }));
service.start(() => say('started')).then(() => say('running'), () => {});
`;

describe.runIf(process.platform !== 'win32')('the install script with no prebuild that loads and no compiler', () => {
  let dir = '';
  let install: { code: number; output: string };
  let child: FixtureProcess | undefined;
  beforeAll(async () => {
    dir = stageUnloadablePrebuild('install-addonless');
    install = await runInstallScript(dir, { PATH: nodeOnlyPath(dir) });
    writeFileSync(path.join(dir, 'addonless-service.js'), addonlessService);
  });
  afterEach(() => {
    reap(child);
    child = undefined;
  });

  test('off Windows: warns with what is missing, what still works and what does not, and exits 0', () => {
    expect(install.code, install.output).toBe(0);
    expect(install.output).toContain(`installed without its native addon for ${target}`);
    expect(install.output).toMatch(new RegExp(`the prebuilt binary: .*prebuilds/${target}/servicehost\\.node does not load here \\((invalid ELF header|file too short|not a mach-o)`, 'i'));
    expect(install.output).toMatch(/the source build: node-gyp exited with code [1-9]/);
    expect(install.output).toContain('not found on PATH for a source build: Python 3 (python3, python), make, a C++17 compiler (c++, g++, clang++)');
    expect(install.output).toContain('What still works: Service on signals');
    expect(install.output).toMatch(/What does not: systemd notify .*\n.*socket activation fd passing/);
    expect(existsSync(path.join(dir, 'build', 'Release', 'servicehost.node'))).toBe(false);
  });

  test('with Windows semantics (process.platform is win32) the addon is the product: the install exits 1', async () => {
    const windowsDir = stageUnloadablePrebuild('install-as-windows');
    const asWindows = path.join(windowsDir, 'as-windows.js');
    // The script decides by process.platform alone: set it before the script runs.
    writeFileSync(asWindows, "Object.defineProperty(process, 'platform', { value: 'win32' });\n");
    const result = await runInstallScript(windowsDir, { PATH: nodeOnlyPath(windowsDir) }, ['--require', asWindows]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`the source build for win32-${process.arch} failed; this machine lacks Python 3`);
    expect(result.output).toContain(`prebuilds/win32-${process.arch}/servicehost.node is not there`);
    expect(result.output).toContain('Visual Studio Build Tools');
    expect(result.output).not.toContain('WARNING');
  });

  test('in that copy a Service without NOTIFY_SOCKET runs on signals: SIGTERM stops it, teardown runs, exit 0', async () => {
    expect(install.code).toBe(0);
    child = new FixtureProcess(path.join(dir, 'addonless-service.js'));
    expect((await child.waitForEvent('host')).kind).toBe('posix');
    await child.waitForEvent('running');
    child.kill('SIGTERM');
    expect(await child.exited, child.stderr).toEqual({ code: 0, signal: null });
    expect((await child.waitForEvent('stopped')).steps).toEqual(['db:ok']);
  });

  test('in that copy a Service under NOTIFY_SOCKET fails to start with the load error, exit 70', async () => {
    expect(install.code).toBe(0);
    child = new FixtureProcess(path.join(dir, 'addonless-service.js'), { env: { NOTIFY_SOCKET: path.join(dir, 'notify.sock') } });
    expect((await child.waitForEvent('host')).kind).toBe('systemd');
    // A service that swallowed the load error would run on: fail in seconds, not at the test's timeout.
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise((resolve) => (timer = setTimeout(resolve, 10_000, 'still running')));
    const outcome = await Promise.race([child.exited, stillRunning]);
    clearTimeout(timer);
    expect(outcome, child.stderr).toEqual({ code: 70, signal: null });
    expect(child.names).not.toContain('running');
    expect(child.stderr).toContain('the host could not start');
    expect(child.stderr).toContain(`Could not load the servicehost native addon for ${target}`);
    expect(child.stderr).toMatch(/prebuilds.*servicehost\.node: .*(invalid ELF header|file too short|not a mach-o)/i);
    expect(child.stderr).toContain('only systemd notify (NOTIFY_SOCKET is set), listenFds() and storeFds() need the addon');
  });
});
