// The published tarball: what it holds, and that it installs and loads with
// --ignore-scripts and no compiler on PATH, from CommonJS and from ESM.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { execFileAsync, repoRoot, runNode, tempDir } from './helpers';

const target = `${process.platform}-${process.arch}`;

function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ].filter((candidate): candidate is string => !!candidate && candidate.endsWith('.js'));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`npm-cli.js was not found (tried ${candidates.join(', ')}); run the tests through npm`);
  return found;
}

async function npm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [npmCli(), ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe.runIf(target === 'linux-x64')('the npm package', () => {
  test('packs dist, types, prebuilds, cpp, binding.gyp and LICENSE, and nothing else', async () => {
    await execFileAsync(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', target], { cwd: repoRoot });
    const packDir = tempDir('pack');
    // --ignore-scripts: dist/ is already compiled (npm test does it first); recompiling would race other tests.
    const [packed] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot })) as [
      { filename: string; files: { path: string }[] },
    ];
    const files = packed!.files.map((file) => file.path);
    for (const expected of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/index.d.mts',
      'dist/windows.js',
      'dist/windows.d.mts',
      'dist/manage.js',
      'dist/manage.mjs',
      'dist/manage.d.ts',
      'dist/cli.js',
      `prebuilds/${target}/servicehost.node`,
      'prebuilds/README.md',
      'cpp/addon.cc',
      'cpp/sources.json',
      'binding.gyp',
      'scripts/install.js',
      'LICENSE',
    ]) {
      expect(files, `tarball lacks ${expected}`).toContain(expected);
    }
    // The source build fallback is node-gyp's (binding.gyp + cpp/); cmake-js's files make prebuilds only.
    expect(files.filter((file) => file === 'CMakeLists.txt' || file.startsWith('cmake/'))).toEqual([]);
    const junk = files.filter((file) => /^(test|bench|build|node_modules|examples|\.github|\.ci)\//.test(file) || /\.(tgz|o|obj)$/.test(file) || file.startsWith('scripts/prebuild'));
    expect(junk).toEqual([]);

    // The consumer: an empty project whose PATH has node and nothing else.
    const consumer = tempDir('consumer');
    const bin = path.join(consumer, '.bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    for (const compiler of ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python3']) {
      const found = await execFileAsync(compiler, ['--version'], { env }).then(() => true, () => false);
      expect(found, `${compiler} must not be on the consumer's PATH`).toBe(false);
    }
    await npm(['install', path.join(packDir, packed!.filename), '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: consumer, env });

    const installed = path.join(consumer, 'node_modules', 'servicehost');
    expect(existsSync(path.join(installed, 'build'))).toBe(false);
    const fromRequire = await runNode("const s = require('servicehost'); console.log(s.nativeBuildInfo().platform, typeof s.Service, typeof require('servicehost/windows').setServiceStatus)", { cwd: consumer, env });
    expect(fromRequire.stderr).toBe('');
    expect(fromRequire.stdout.trim()).toBe('linux function function');
    const fromImport = await runNode(
      "import('servicehost').then(async (s) => { const w = await import('servicehost/windows'); console.log(s.nativeBuildInfo().platform, typeof s.ServicehostError, typeof w.windowsCommandLine); })",
      { cwd: consumer, env },
    );
    expect(fromImport.stderr).toBe('');
    expect(fromImport.stdout.trim()).toBe('linux function function');

    const manage = await runNode(
      "import('servicehost/manage').then((m) => console.log(typeof m.install, typeof require('servicehost/manage').query, m.managerPlatform()))",
      { cwd: consumer, env },
    );
    expect(manage.stderr).toBe('');
    expect(manage.stdout.trim()).toBe('function function systemd');

    // What a new user types: `npx servicehost ...` runs the package's bin
    // (npm exec itself starts it through sh, so sh joins the PATH here).
    const help = await npm(['exec', '--offline', '--', 'servicehost', 'install', '--help'], { cwd: consumer, env: { ...env, PATH: `${bin}:/bin:/usr/bin` } });
    expect(help).toContain('Usage: servicehost install --name <name> [options] -- <script> [args...]');
  });
});
