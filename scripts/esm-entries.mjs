#!/usr/bin/env node
// After tsc: writes each ES-module entry (dist/index.mjs, windows.mjs,
// manage.mjs) as explicit named exports of its CommonJS build, loaded with
// createRequire. An `export * from './index.js'` would make Node parse the
// CommonJS file with its cjs-module-lexer (a WebAssembly start-up of some
// milliseconds) on every import; this way ESM costs what CommonJS costs, and
// both share one copy of the code. dist/register.mjs (`node --import
// servicehost/register`), which tsc writes as `import './register.js'`, is
// written the same way, for the same reason. The .d.mts files stay as tsc wrote them.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);

for (const entry of ['index', 'windows', 'manage']) {
  const names = Object.keys(require(path.join(dist, `${entry}.js`))).filter((name) => name !== 'default' && name !== '__esModule');
  const text = [
    `// ESM entry of ${entry === 'index' ? 'servicehost' : `servicehost/${entry}`}, written by scripts/esm-entries.mjs: the CommonJS build's`,
    '// exports, by name (no cjs-module-lexer pass at import time).',
    "import { createRequire } from 'node:module';",
    '',
    `const cjs = createRequire(import.meta.url)('./${entry}.js');`,
    '',
    ...names.map((name) => `export const ${name} = cjs.${name};`),
    'export default cjs;',
    '',
  ].join('\n');
  writeFileSync(path.join(dist, `${entry}.mjs`), text);
}

writeFileSync(
  path.join(dist, 'register.mjs'),
  [
    '// ESM entry of servicehost/register (`node --import servicehost/register`), written by scripts/esm-entries.mjs:',
    '// the CommonJS preload does the work, so that it shares its state with `require(\'servicehost\')`,',
    '// loaded with createRequire (no cjs-module-lexer pass at import time).',
    "import { createRequire } from 'node:module';",
    '',
    "createRequire(import.meta.url)('./register.js');",
    '',
  ].join('\n'),
);
