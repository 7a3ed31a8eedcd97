#!/usr/bin/env node
// Memory of a started Service against bare Node, and the native addon's share,
// in interleaved children, each read after a full collection: RSS, its private
// part (RssAnon) and its file-backed part (RssFile, the pages of the node binary
// and of the addon a start touched), and V8's heap.
//   bare     node alone
//   service  require('servicehost'), new Service(), start() (posix host: no addon)
//   addon    the same, and the native addon loaded (nativeBuildInfo())
//   node bench/memory.mjs [--runs 9]
import { execFileSync } from 'node:child_process';
import { median, numberOption, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 9);
const report = `
globalThis.gc();
const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
const kib = (key) => Number(new RegExp('^' + key + ':\\\\s+(\\\\d+) kB', 'm').exec(status)?.[1]) * 1024;
const { rss, heapUsed, external } = process.memoryUsage();
console.log(JSON.stringify({ rss, anon: kib('RssAnon'), file: kib('RssFile'), heapUsed, external }));
process.exit(0);`;
const SCRIPTS = {
  bare: `setImmediate(() => {${report}});`,
  service: `const { Service } = require('./dist'); new Service().start().then(() => setImmediate(() => {${report}}));`,
  addon: `const s = require('./dist'); s.nativeBuildInfo(); new s.Service().start().then(() => setImmediate(() => {${report}}));`,
};
const measure = (mode) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', SCRIPTS[mode]], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NOTIFY_SOCKET: '' } }));

const results = { bare: [], service: [], addon: [] };
for (let run = 0; run < runs; run++) {
  const order = Object.keys(results);
  for (let turn = 0; turn < run % order.length; turn++) order.push(order.shift());
  for (const mode of order) results[mode].push(measure(mode));
}
const mib = (bytes) => (bytes / 2 ** 20).toFixed(2);
const med = (mode, key) => median(results[mode].map((result) => result[key]));
const diff = (mode, base, key) => median(results[mode].map((result, index) => result[key] - results[base][index][key]));
const KEYS = ['rss', 'anon', 'file', 'heapUsed', 'external'];
console.log(`memory once started, ${runs} interleaved runs (medians; differences paired), node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  bare node:            ${KEYS.map((key) => `${key} ${mib(med('bare', key))}`).join(', ')} MiB`);
console.log(`  + Service (no addon): ${KEYS.map((key) => `${key} +${mib(diff('service', 'bare', key))}`).join(', ')} MiB`);
console.log(`  + the native addon:   ${KEYS.map((key) => `${key} +${mib(diff('addon', 'service', key))}`).join(', ')} MiB`);
