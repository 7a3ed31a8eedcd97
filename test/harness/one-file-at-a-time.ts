// Setup file of the rings whose files take turns (lanes.ts): the file's project
// is its lane; its lock is taken before the file's own hooks and given back after them.
import { afterAll, beforeAll } from 'vitest';
import { takeLane } from './lanes';

let giveBack: (() => void) | undefined;

beforeAll(async ({}, suite) => {
  giveBack = await takeLane(suite.file.projectName ?? 'default');
}, 900_000);

afterAll(() => {
  giveBack?.();
});
