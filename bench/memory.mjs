#!/usr/bin/env node
// RSS of this platform's node with the addon loaded, against without.
//   node bench/memory.mjs [--runs 9]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex === -1 ? 9 : Number(process.argv[runsIndex + 1]);
const measure = (script) => Number(execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' }));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const bare = [];
const loaded = [];
for (let run = 0; run < runs; run++) {
  bare.push(measure('console.log(process.memoryUsage().rss)'));
  loaded.push(measure("require('./dist').nativeBuildInfo(); console.log(process.memoryUsage().rss)"));
}
const mib = (bytes) => (bytes / 2 ** 20).toFixed(2);
console.log(`RSS on ${process.platform}-${process.arch}, node ${process.version} (median of ${runs}): bare ${mib(median(bare))} MiB, with servicehost loaded ${mib(median(loaded))} MiB, difference ${mib(median(loaded) - median(bare))} MiB`);
