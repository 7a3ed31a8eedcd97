// The doc tests' per-port lock: one holder at a time, across processes; a dead holder's lock is taken over.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { withPortLock } from '../helpers/port-lock';

const port = () => 40_000 + Math.floor(Math.random() * 20_000);

test('a second taker waits until the first lets go', async () => {
  const p = port();
  const order: string[] = [];
  let release!: () => void;
  const first = withPortLock(p, async () => {
    order.push('first in');
    await new Promise<void>((resolve) => (release = resolve));
    order.push('first out');
  });
  const second = withPortLock(p, async () => order.push('second in'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(order).toEqual(['first in']);
  release();
  await Promise.all([first, second]);
  expect(order).toEqual(['first in', 'first out', 'second in']);
});

test("a lock left by a process that died is taken over; a live holder's is not", async () => {
  const p = port();
  const lock = path.join(os.tmpdir(), `servicehost-docs-port-${p}.lock`);
  mkdirSync(lock);
  writeFileSync(path.join(lock, 'pid'), String(spawnSync(process.execPath, ['-e', '0']).pid));
  expect(await withPortLock(p, async () => 'taken')).toBe('taken');
  mkdirSync(lock);
  writeFileSync(path.join(lock, 'pid'), String(process.ppid));
  await expect(withPortLock(p, async () => 'taken', 300)).rejects.toThrow(/stayed locked by pid/u);
  rmSync(lock, { recursive: true, force: true });
});
