// e2e: one Service per process on Windows too. In a console, a second
// new Service() used to be made, its host's native console handler refused
// only as it opened (a start failure, exit 70, of a second Service beside the
// first); it is now refused to its maker with ERR_SERVICEHOST_SECOND_SERVICE
// (seen 'made' without the claim), and the first runs on and stops with exit 0. POSIX and two copies of the package: test/linux/one-service.test.ts.
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('one Service per process', () => {
  test('in a console, a second new Service() throws ERR_SERVICEHOST_SECOND_SERVICE; the first stops with exit 0', async () => {
    const entry = JSON.stringify(toWindowsPath(repoRoot));
    const script = `
      const { Service } = require(${entry});
      const quiet = { error() {}, warn() {}, info() {}, debug() {} };
      const first = new Service({ logger: quiet });
      let second;
      try { new Service({ logger: quiet }); second = 'made'; } catch (error) { second = error.code; }
      first.start().then(() => first.stop()).then((outcome) => console.log(JSON.stringify({ kind: first.host.kind, second, exitCode: outcome.exitCode })));`;
    const result = await runWindows(windowsNodeExe(), ['-e', script], { timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ kind: 'windows-console', second: 'ERR_SERVICEHOST_SECOND_SERVICE', exitCode: 0 });
    expect(result.code).toBe(0);
  });
});
