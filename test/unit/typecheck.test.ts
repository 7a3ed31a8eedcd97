// The tests, the harnesses and lib/ type-check together under the strict
// settings (test/tsconfig.json, as `npm run typecheck` runs it): vitest strips
// types without checking them, so without this a test could name a field
// that does not exist and still run.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');

test('tsc -p test/tsconfig.json --noEmit reports nothing (npm run typecheck)', async () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(repoRoot, 'test', 'tsconfig.json'), '--noEmit', '--pretty', 'false'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  expect(result.output.trim(), 'tsc found type errors').toBe('');
  expect(result.code).toBe(0);
}, 180_000);
