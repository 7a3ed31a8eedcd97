// Each entry point's ES module exports the names of its CommonJS build
// (dist/*.mjs is written from them by scripts/esm-entries.mjs), and the
// internals the entries once leaked stay internal.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const require = createRequire(__filename);

async function exportedNames(entry: string): Promise<{ cjs: string[]; esm: string[] }> {
  const cjs = Object.keys(require(path.join(dist, `${entry}.js`)) as object).filter((name) => name !== '__esModule');
  const esm = Object.keys((await import(pathToFileURL(path.join(dist, `${entry}.mjs`)).href)) as object).filter((name) => name !== 'default');
  return { cjs: cjs.sort(), esm: esm.sort() };
}

describe.each(['index', 'windows', 'manage'])('dist/%s', (entry) => {
  test('import and require give the same names', async () => {
    const { cjs, esm } = await exportedNames(entry);
    expect(cjs.length).toBeGreaterThan(0);
    expect(esm).toEqual(cjs);
  });
});

test.each([
  ['index', ['WindowsServiceHost', 'WindowsConsoleHost', 'SystemdHost', 'PosixHost', 'detectHost']],
  ['windows', ['parseDispatcherRecord', 'toScmStatus', 'acceptMask', 'detectWindowsHost']],
  ['manage', ['renderSystemdUnit', 'resolveSpec', 'platformManager']],
])('dist/%s keeps its internals internal', async (entry, internals) => {
  const { cjs, esm } = await exportedNames(entry);
  expect(cjs.filter((name) => internals.includes(name))).toEqual([]);
  expect(esm.filter((name) => internals.includes(name))).toEqual([]);
});
