#!/usr/bin/env node
// After tsc, before scripts/esm-entries.mjs: rewrites the runtime entries,
// dist/index.js (`require('servicehost')`) and dist/register.js (the preload),
// as one file each, bundled from lib/ with esbuild. Resolving and compiling the
// sixteen small files a running service loaded cost start-up time and, through
// Node's own path code, memory (issue 22; BENCHMARKS.md has the figures).
//
// - What a module requires on first use stays lazy: esbuild wraps such a module
//   in an init function and keeps its require() of Node built-ins inside it, so
//   it runs (and loads node:net, node:http…) only when called, as before.
// - dist/native/, dist/windows/ and the two Windows hosts stay files of their
//   own, required from the bundle: native/load.js finds the addon from its own
//   place (the package root two levels up, its prebuilds/ and a local build,
//   through `bindings` with an explicit module_root), and the whole process
//   shares one loader and one loaded binding per copy of the package; the
//   Windows code is loaded only on Windows, one copy of it for the register
//   preload, servicehost/windows and the Service's Windows hosts, and the
//   bundle a POSIX service compiles is a tenth smaller without it.
// - `import * as fs from 'node:fs'` is bundled as `const fs = require('node:fs')`:
//   esbuild would copy every export of the built-in into a namespace object of
//   getters when the module initialises (about a hundred for node:fs), and read
//   each use through a getter. tsc has checked the source; the types go away.
// - One copy of each module per copy of the package: a module the bundle holds
//   that those own files also require (errors, validate, the logger, the exit
//   codes…) is not left as tsc's second copy beside it. Its dist file becomes a
//   shim handing out the bundle's own (through a function on dist/index.js's
//   exports under a Symbol.for key, which neither Object.keys, the ESM entry
//   nor the API report sees), so `instanceof ServicehostError` holds across
//   the bundle, the Windows code, servicehost/windows, /manage and the CLI by
//   the one class, and require('servicehost') still reads one file. The shim's
//   module is initialised on its first require, as any lazy one in the bundle.
//   The register preload keeps its own copy of the constants it reads.
// - Every other dist file stays as tsc wrote it (servicehost/manage, the CLI,
//   servicehost/windows, the systemd reload helper and the .d.ts files).
// A bundled module must not locate files from its own place (the bundle moved
// it): the build fails if one names __dirname or __filename.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.join(root, 'lib');
const dist = path.join(root, 'dist');

/** lib/ folders and modules that stay dist files of their own, required from the bundles. */
const OWN_FILES = ['native/', 'windows/', 'hosts/windows-service', 'hosts/windows-console'];
/** Entries that are never bundled into a runtime entry (they locate files from dist/, or run apart). */
const NEVER_BUNDLED = ['manage', 'cli'];

const ownFiles = {
  name: 'servicehost-own-files',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.relative(lib, path.resolve(args.resolveDir, args.path)).split(path.sep).join('/').replace(/\.(js|ts)$/u, '');
      if (!OWN_FILES.some((own) => (own.endsWith('/') ? target.startsWith(own) : target === own))) return undefined;
      // Every bundle is written at dist/'s top, beside those folders.
      return { path: `./${target}.js`, external: true };
    });
    builder.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/^import \* as (\w+) from '(node:[\w/]+)';$/gmu, "const $1 = require('$2');"),
      loader: 'ts',
    }));
  },
};

/** The key of the function on dist/index.js's exports that hands out one of its modules (written into each shim). */
const BUNDLED_MODULE_KEY = 'servicehost.bundledModule';
/** The name of dist/index.js's entry, written below (not a file). */
const INDEX_ENTRY_NAME = 'index.bundle';

/** Whether a lib-relative module name (no extension) stays a dist file of its own. */
function isOwnFile(target) {
  return OWN_FILES.some((own) => (own.endsWith('/') ? target.startsWith(own) : target === own));
}

/**
 * The lib-relative modules (no extension) that tsc's output of the own files
 * requires, directly or through modules that are not own files themselves:
 * what would load as dist files of their own beside the bundle.
 */
function requiredBesideTheBundle() {
  const pending = OWN_FILES.flatMap((own) =>
    own.endsWith('/')
      ? readdirJs(path.join(dist, own)).map((file) => `${own}${file.replace(/\.js$/u, '')}`)
      : [own],
  );
  const seen = new Set();
  const reached = new Set();
  while (pending.length > 0) {
    const module = pending.pop();
    if (seen.has(module)) continue;
    seen.add(module);
    if (!isOwnFile(module)) reached.add(module);
    const file = path.join(dist, `${module}.js`);
    for (const [, request] of readFileSync(file, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]+)"\)/gu)) {
      const target = path.relative(dist, path.resolve(path.dirname(file), request)).split(path.sep).join('/').replace(/\.js$/u, '');
      if (target !== 'index' && target !== 'register' && existsSync(path.join(dist, `${target}.js`))) pending.push(target);
    }
  }
  return reached;
}

function readdirJs(folder) {
  return readdirSync(folder).filter((file) => file.endsWith('.js'));
}

/** The lib-relative modules (no extension) an entry's bundle holds. */
function bundledModules(result) {
  return Object.keys(result.metafile.inputs)
    .map((input) => path.relative(lib, path.resolve(root, input)).split(path.sep).join('/').replace(/\.ts$/u, ''))
    .filter((module) => module !== INDEX_ENTRY_NAME);
}

const options = (entry) => ({
  outfile: path.join(dist, `${entry}.js`),
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  tsconfig: path.join(root, 'tsconfig.json'),
  packages: 'external',
  plugins: [ownFiles],
  metafile: true,
  logLevel: 'warning',
  banner: {
    js: `// servicehost's ${entry === 'index' ? "entry (require('servicehost'))" : 'register preload'}, bundled from lib/ by scripts/bundle.mjs (esbuild):\n// dist/native/, dist/windows/ and the Windows hosts stay files of their own; the other dist files are tsc's${entry === 'index' ? ', or shims handing out this file\'s modules' : ''}.`,
  },
});

// Which modules the own files share with the index bundle: a first build, in memory, says what it holds.
const probe = await build({ ...options('index'), entryPoints: [path.join(lib, 'index.ts')], write: false });
const besideTheBundle = requiredBesideTheBundle();
const shared = bundledModules(probe).filter((module) => besideTheBundle.has(module)).sort();

// index: lib/index.ts's exports, and (not enumerable, so no name of the API) the function that hands out a shared module.
const indexEntry = [
  "export * from './index';",
  `const shared: Record<string, () => unknown> = {${shared.map((module) => ` ${JSON.stringify(module)}: () => require('./${module}'),`).join('')} };`,
  `Object.defineProperty(module.exports, Symbol.for(${JSON.stringify(BUNDLED_MODULE_KEY)}), { value: (name: string) => shared[name]!() });`,
].join('\n');

for (const entry of ['index', 'register']) {
  const result = await build({
    ...options(entry),
    ...(entry === 'index' ? { stdin: { contents: indexEntry, resolveDir: lib, sourcefile: `${INDEX_ENTRY_NAME}.ts`, loader: 'ts' } } : { entryPoints: [path.join(lib, `${entry}.ts`)] }),
    // The entry above sets a property on module.exports, the real CommonJS one in this format.
    logOverride: { 'commonjs-variable-in-esm': 'silent' },
  });
  const modules = bundledModules(result);
  for (const relative of modules) {
    if (NEVER_BUNDLED.includes(relative.split('/')[0])) throw new Error(`bundle ${entry}: ${relative} must not be part of a runtime entry`);
    const source = readFileSync(path.join(lib, `${relative}.ts`), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gmu, '');
    if (/\b__(dirname|filename)\b/u.test(source)) throw new Error(`bundle ${entry}: ${relative} locates files from its own place (__dirname), which the bundle moves`);
  }
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  console.log(`bundle: dist/${entry}.js from ${modules.length} modules, ${(bytes / 1024).toFixed(1)} KiB`);
}

// Each shared module's dist file hands out the bundle's copy.
for (const module of shared) {
  const index = path.posix.relative(path.posix.dirname(module), 'index.js');
  writeFileSync(
    path.join(dist, `${module}.js`),
    [
      '"use strict";',
      `// lib/${module}.ts is part of the bundled entry (scripts/bundle.mjs): this file hands out that one copy,`,
      '// so the dist files loaded beside the bundle share its classes and state.',
      `module.exports = require(${JSON.stringify(index.startsWith('.') ? index : `./${index}`)})[Symbol.for(${JSON.stringify(BUNDLED_MODULE_KEY)})](${JSON.stringify(module)});`,
      '',
    ].join('\n'),
  );
}
console.log(`bundle: ${shared.length} modules the Windows code shares with dist/index.js load from it: ${shared.join(', ')}`);
