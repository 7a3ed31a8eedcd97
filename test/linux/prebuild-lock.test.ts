// scripts/prebuild.mjs holds <tree>.lock while cmake-js runs: two builds of one
// target (the Windows ring's setup and the compat ring's, both win32-x64) would
// otherwise clean and regenerate one cmake tree under each other. Shown with
// the host's own target, whose tree the linux ring's package.test.ts uses too.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { execFileAsync, repoRoot } from './helpers';

const target = `${process.platform}-${process.arch}`;
const lock = path.join(repoRoot, 'build', `cmake-${target}.lock`);
const prebuild = (): Promise<unknown> => execFileAsync(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', target], { cwd: repoRoot });

describe.runIf(process.platform === 'linux')('prebuild: one build per cmake tree', () => {
  test('a build waits while a live process holds the tree, takes over a dead holder\'s lock, and leaves none behind', async () => {
    await prebuild();
    const holder = spawn('/bin/sleep', ['3'], { stdio: 'ignore' });
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), String(holder.pid));
    const began = performance.now();
    await prebuild();
    expect(performance.now() - began).toBeGreaterThanOrEqual(2_500);
    expect(existsSync(lock)).toBe(false);

    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), '999999999');
    await prebuild();
    expect(existsSync(lock)).toBe(false);
  }, 600_000);
});
