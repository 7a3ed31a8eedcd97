// When no backend can boot the live-systemd guest, the ring is skipped with
// the reason printed, except under CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1,
// where it fails and says what to install. Proven by running the ring in a
// child vitest allowed only a qemu that does not exist.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { execFileAsync, repoRoot } from './helpers';

async function runLiveRing(extraEnv: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', SERVICEHOST_SYSTEMD_LIVE_BACKENDS: 'qemu-tcg', SERVICEHOST_QEMU: '/nonexistent/qemu-system-x86_64', ...extraEnv };
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete env[key];
  const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [vitest, 'run', '--project', 'systemd-live', '--reporter', 'default'], { cwd: repoRoot, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe.runIf(process.platform === 'linux')('the live-systemd ring with no backend', () => {
  test('is skipped, and says why and what to install', async () => {
    const result = await runLiveRing({ CI: undefined, SERVICEHOST_REQUIRE_SYSTEMD_LIVE: undefined });
    expect(result.output).toContain('[systemd-live ring] SKIPPED');
    expect(result.output).toContain('/nonexistent/qemu-system-x86_64 is missing');
    expect(result.output).toContain('apt-get install -y --no-install-recommends debootstrap');
    expect(result.output).toMatch(/Tests\s+\d+ skipped/u);
    expect(result.output).not.toMatch(/\d+ passed/u);
    expect(result.code, result.output).toBe(0);
  });

  test.each([
    ['CI=true', { CI: 'true', SERVICEHOST_REQUIRE_SYSTEMD_LIVE: undefined }],
    ['SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1', { CI: undefined, SERVICEHOST_REQUIRE_SYSTEMD_LIVE: '1' }],
  ])('fails under %s, with what to install', async (_label, env) => {
    const result = await runLiveRing(env);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('No backend of the live-systemd ring can run here');
    expect(result.output).toContain('qemu-system-x86 qemu-utils');
  });
});
