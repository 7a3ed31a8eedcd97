import { defineConfig } from 'vitest/config';
import { LANES_GROUP, LaneSequencer, ONE_AT_A_TIME } from './test/harness/lanes';

// Rings (CONTRIBUTING.md; test/windows/README.md and test/systemd-live/README.md
// for the two that need a setup): unit (pure logic), linux (the real addon, real
// processes), windows (the real SCM: under Wine on Linux, natively on Windows),
// compat (the packed tarball in consumers: Node versions, Windows Node under
// Wine, arm64 under qemu, an older glibc root, TypeScript, bundlers),
// systemd-live (a real systemd as PID 1 of a guest of the project's own).
//
// Order: linux first (one worker: its timed tests want a quiet machine), then
// the Windows ring, the two live-systemd rings (each one file at a time),
// compat and unit side by side, on three workers (test/harness/lanes.ts).
// The Windows ring's and the compat ring's setups run in the background while
// the linux ring runs.
// One retry for the rings that drive real peers (processes, Wine's SCM, a live
// systemd): a test that passes only on its retry is listed at the end of the
// run with what its first attempt said (test/harness/retried-reporter.ts).
// Pure logic (unit) gets none. SERVICEHOST_TEST_RETRY=0 turns it off, as for
// seeing a test fail with the behaviour it names broken.
const peerRetry = Number(process.env.SERVICEHOST_TEST_RETRY ?? 1);
if (!Number.isInteger(peerRetry) || peerRetry < 0) throw new Error(`SERVICEHOST_TEST_RETRY must be a whole number of retries, not ${JSON.stringify(process.env.SERVICEHOST_TEST_RETRY)}`);

export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', './test/harness/retried-reporter.ts'],
    retry: peerRetry,
    sequence: { sequencer: LaneSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          retry: 0,
          // A lane beside the Windows, live and compat rings (test/harness/lanes.ts), its files taking no turns.
          sequence: { groupOrder: LANES_GROUP },
          maxWorkers: 3,
          // GitHub's workflow parser imports its schema JSON as a bundler would (no import
          // attribute), which Node refuses: let Vite bundle it (test/unit/workflows.test.ts).
          deps: { optimizer: { ssr: { enabled: true, include: ['@actions/workflow-parser'] } } },
        },
      },
      {
        extends: true,
        test: { name: 'linux', include: ['test/linux/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'windows',
          include: ['test/windows/**/*.test.ts'],
          globalSetup: ['test/windows/harness/global-setup.ts'],
          // One service manager: files take turns, as a lane beside the live rings (test/harness/lanes.ts).
          sequence: { groupOrder: LANES_GROUP },
          maxWorkers: 3,
          setupFiles: ['test/windows/harness/ready.ts', ONE_AT_A_TIME],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'compat',
          include: ['test/compat/**/*.test.ts'],
          // A lane beside the Windows and live rings (test/harness/lanes.ts), its files taking no turns:
          // each works in consumer folders of its own (npm installs, tsc, qemu, a chroot), none is timed,
          // and on 2 cores the ring is mostly waiting on npm and qemu.
          sequence: { groupOrder: LANES_GROUP },
          maxWorkers: 3,
          globalSetup: ['test/compat/harness/global-setup.ts'],
          setupFiles: ['test/compat/harness/ready.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'systemd-live',
          include: ['test/systemd-live/**/*.test.ts'],
          // One guest for the ring (its first build takes about a minute).
          globalSetup: ['test/systemd-live/harness/global-setup.ts'],
          // One systemd: files take turns, so `systemctl --failed` and the unit folder are each file's own;
          // a lane beside the Windows ring and the trixie ring (test/harness/lanes.ts).
          sequence: { groupOrder: LANES_GROUP },
          maxWorkers: 3,
          setupFiles: [ONE_AT_A_TIME],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          // The same ring on Debian trixie's systemd 257 (the project's name picks the guest's release).
          // Run whole, both rings' files would take CI past its 15 minutes: every run has the tests
          // whose behaviour differs by version and a smoke subset;
          // SERVICEHOST_SYSTEMD_LIVE_TRIXIE=full runs every file (test/systemd-live/README.md).
          name: 'systemd-live-trixie',
          include:
            process.env.SERVICEHOST_SYSTEMD_LIVE_TRIXIE === 'full'
              ? ['test/systemd-live/**/*.test.ts']
              : ['reload', 'reload-guard', 'delivered', 'notify-access', 'exit-status', 'listen-sockets', 'round-trip', 'socket-activation', 'user-unit', 'journal'].map((file) => `test/systemd-live/${file}.test.ts`),
          globalSetup: ['test/systemd-live/harness/global-setup.ts'],
          sequence: { groupOrder: LANES_GROUP },
          maxWorkers: 3,
          setupFiles: [ONE_AT_A_TIME],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
