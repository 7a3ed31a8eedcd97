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
// - Every other dist file stays as tsc wrote it (servicehost/manage, the CLI,
//   servicehost/windows, the systemd reload helper and the .d.ts files).
// A bundled module must not locate files from its own place (the bundle moved
// it): the build fails if one names __dirname or __filename.
import { readFileSync } from 'node:fs';
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

for (const entry of ['index', 'register']) {
  const outfile = path.join(dist, `${entry}.js`);
  const result = await build({
    entryPoints: [path.join(lib, `${entry}.ts`)],
    outfile,
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
      js: `// servicehost's ${entry === 'index' ? "entry (require('servicehost'))" : 'register preload'}, bundled from lib/ by scripts/bundle.mjs (esbuild):\n// dist/native/, dist/windows/ and the Windows hosts stay files of their own; the other dist files are tsc's.`,
    },
  });
  const inputs = Object.keys(result.metafile.inputs);
  for (const input of inputs) {
    const relative = path.relative(lib, path.resolve(root, input)).split(path.sep).join('/');
    if (NEVER_BUNDLED.includes(relative.split('/')[0])) throw new Error(`bundle ${entry}: ${relative} must not be part of a runtime entry`);
    const source = readFileSync(path.resolve(root, input), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gmu, '');
    if (/\b__(dirname|filename)\b/u.test(source)) throw new Error(`bundle ${entry}: ${relative} locates files from its own place (__dirname), which the bundle moves`);
  }
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  console.log(`bundle: dist/${entry}.js from ${inputs.length} modules, ${(bytes / 1024).toFixed(1)} KiB`);
}
