// The loader, in real child processes against a staged copy of the package.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, runNode, stagePackageWithoutBinaries } from './helpers';

const target = `${process.platform}-${process.arch}`;

function localBuild(): string {
  const candidates = [path.join(repoRoot, 'build', 'Release', 'servicehost.node'), path.join(repoRoot, 'prebuilds', target, 'servicehost.node')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`no built addon in ${candidates.join(' or ')}: run npm install first`);
  return found;
}

const probe = `
  try { console.log(JSON.stringify(require(process.cwd()).nativeBuildInfo())); }
  catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); process.exitCode = 3; }`;

describe('lib/native/ loader', () => {
  test('with nothing to load, one typed error lists every place tried and what to do', async () => {
    const dir = stagePackageWithoutBinaries('loader-none');
    const result = await runNode(probe, { cwd: dir });
    expect(result.code).toBe(3);
    const error = JSON.parse(result.stdout) as { code: string; message: string };
    expect(error.code).toBe('ERR_SERVICEHOST_NATIVE_LOAD_FAILED');
    expect(error.message).toContain(path.join(dir, 'prebuilds', target, 'servicehost.node'));
    expect(error.message).toContain(path.join(dir, 'build', 'Release', 'servicehost.node'));
    expect(error.message).toContain('Possible solutions');
    expect(error.message).toContain('npm rebuild servicehost');
  });

  test('a prebuilt binary that does not load is reported, and a local build is used instead', async () => {
    const dir = stagePackageWithoutBinaries('loader-fallback');
    mkdirSync(path.join(dir, 'prebuilds', target));
    writeFileSync(path.join(dir, 'prebuilds', target, 'servicehost.node'), 'not a shared object');
    const broken = await runNode(probe, { cwd: dir });
    expect(broken.code).toBe(3);
    expect((JSON.parse(broken.stdout) as { message: string }).message).toMatch(/prebuilds.*servicehost\.node: .*(invalid ELF header|file too short|not a mach-o)/i);

    mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    copyFileSync(localBuild(), path.join(dir, 'build', 'Release', 'servicehost.node'));
    const fallback = await runNode(probe, { cwd: dir });
    expect(fallback.stdout, fallback.stderr).toContain(`"platform":"${process.platform}"`);
    expect(fallback.code).toBe(0);
  });

  test('the prebuilt binary comes first', async () => {
    const dir = stagePackageWithoutBinaries('loader-prebuilt');
    mkdirSync(path.join(dir, 'prebuilds', target));
    copyFileSync(localBuild(), path.join(dir, 'prebuilds', target, 'servicehost.node'));
    const which = await runNode(
      `require(process.cwd()).nativeBuildInfo(); console.log(Object.keys(require.cache).filter((f) => f.endsWith('.node')).join('\\n'));`,
      { cwd: dir },
    );
    expect(which.code, which.stderr).toBe(0);
    expect(which.stdout.trim()).toBe(path.join(dir, 'prebuilds', target, 'servicehost.node'));
  });
});
