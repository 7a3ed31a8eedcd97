// `servicehost run -- script` when the script throws while it loads: the real
// command prints what node would (file:line, the source line and a caret, the
// stack, the error's own properties) under one "failed to load" line, and
// exits 1 as node does, for CommonJS and ES modules, runtime and syntax errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { servicehost } from './harness/servicehost-cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-run-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe.runIf(process.platform === 'linux')('servicehost run: a script that fails to load', () => {
  test.each([
    ['a top-level throw (CommonJS)', 'top.js', "const a = 1;\nthrow new Error('top-level boom');\n", ':2', "throw new Error('top-level boom');\n      ^", /^Error: top-level boom\n {4}at .*top\.js:2:7/mu],
    ['a top-level throw (ES module)', 'top.mjs', "export const a = 1;\nthrow new TypeError('esm boom');\n", ':2', "throw new TypeError('esm boom');\n      ^", /^TypeError: esm boom\n {4}at file:\/\/.*top\.mjs:2:7/mu],
    ['a syntax error (CommonJS)', 'syntax.js', 'let b = ;\n', ':1', 'let b = ;\n        ^', /^SyntaxError: Unexpected token ';'/mu],
    ['a syntax error (ES module)', 'syntax.mjs', 'export const b = ;\n', ':1', 'export const b = ;\n                 ^', /^SyntaxError: Unexpected token ';'/mu],
    ['a missing module', 'missing.js', "require('./no-such-module');\n", ':1', "require('./no-such-module');\n^", /code: 'MODULE_NOT_FOUND'/u],
  ])('%s: file:line, the line with a caret, the stack; exit 1', async (_label, name, source, line, caret, stack) => {
    const file = script(name, source);
    const run = await servicehost(['run', '--', file]);
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(`servicehost run: ${file} failed to load:\n`)).toBe(true);
    expect(run.stderr).toMatch(new RegExp(`^(file://)?${file.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}${line}\n`, 'mu'));
    expect(run.stderr).toContain(`${caret}\n`);
    expect(run.stderr).toMatch(stack);
  });
});
