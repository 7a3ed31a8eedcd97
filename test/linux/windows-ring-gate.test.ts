// Without Wine, the Windows ring is skipped with its reason printed, except
// under CI=true or SERVICEHOST_REQUIRE_WINE=1, where it fails and says how to
// install Wine. Proven by running the ring in a child vitest whose Wine
// (SERVICEHOST_WINE) does not exist.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { execFileAsync, repoRoot } from './helpers';

async function runWindowsRing(extraEnv: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SERVICEHOST_WINE: '/nonexistent/wine64', ...extraEnv };
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete env[key];
  const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [vitest, 'run', '--project', 'windows', '--reporter', 'default'], { cwd: repoRoot, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe.runIf(process.platform !== 'win32')('the Windows ring without Wine', () => {
  test('is skipped, and says why and how to install Wine', async () => {
    const result = await runWindowsRing({ CI: undefined, SERVICEHOST_REQUIRE_WINE: undefined });
    expect(result.output).toContain('[windows ring] SKIPPED');
    expect(result.output).toContain('apt-get install -y --no-install-recommends wine64');
    // vitest's own summary: every Windows test skipped, none run.
    expect(result.output).toMatch(/Tests\s+\d+ skipped/);
    expect(result.output).not.toMatch(/\d+ passed/);
    expect(result.code, result.output).toBe(0);
  });

  test.each([
    ['CI=true', { CI: 'true', SERVICEHOST_REQUIRE_WINE: undefined }],
    ['SERVICEHOST_REQUIRE_WINE=1', { CI: undefined, SERVICEHOST_REQUIRE_WINE: '1' }],
  ])('fails under %s, with the install command', async (_label, env) => {
    const result = await runWindowsRing(env);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('needs wine64, wineserver');
    expect(result.output).toContain('apt-get install -y --no-install-recommends wine64');
  });
});
