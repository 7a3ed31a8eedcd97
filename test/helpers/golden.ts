// Golden files: the expected output lives in test/golden/<name>. Run with
// SERVICEHOST_UPDATE_GOLDEN=1 to rewrite them after an intended change, then
// read the diff before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';

const goldenDir = path.resolve(__dirname, '..', 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (process.env.SERVICEHOST_UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI === 'true' && !existsSync(file)) throw new Error(`golden file ${name} is missing`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
