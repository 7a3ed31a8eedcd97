// Every class the package exports keeps its own name once bundled (scripts/bundle.mjs):
// esbuild renames a class that refers to itself (`class _ServicehostError`), and Node's
// print of an uncaught error shows its constructor's name. Loads the built entries (dist/).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './helpers';

const ENTRIES = ['dist/index.js', 'dist/manage.js', 'dist/windows.js'];

test.each(ENTRIES)('%s: each exported class is named as exported', (entry) => {
  const exported = require(path.join(repoRoot, entry)) as Record<string, unknown>;
  const classes = Object.entries(exported).filter(([, value]) => typeof value === 'function' && /^class\b/u.test(Function.prototype.toString.call(value)));
  if (entry === 'dist/index.js') expect(classes.map(([key]) => key)).toEqual(expect.arrayContaining(['Service', 'ServicehostError']));
  for (const [key, value] of classes) expect({ key, name: (value as { name: string }).name }).toEqual({ key, name: key });
});

test("Node's print of an uncaught ServicehostError names the class as exported", () => {
  const program = `const { ServicehostError } = require(${JSON.stringify(path.join(repoRoot, 'dist/index.js'))}); Promise.reject(new ServicehostError('ERR_OUT_OF_RANGE', 'a test'));`;
  let printed = '';
  try {
    execFileSync(process.execPath, ['-e', program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    printed = String((error as { stderr?: string }).stderr);
  }
  expect(printed).toMatch(/^ServicehostError: a test$/mu);
  expect(printed).not.toContain('_ServicehostError');
});
