import { defineConfig } from 'vitest/config';

// Three rings (DESIGN.md): unit (pure logic), linux (the real addon, real
// processes), windows (the real SCM: under Wine on Linux, natively on Windows).
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
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
          // One service manager: files take turns.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
