#!/usr/bin/env node
// The stop path inside the process: from a first process.on('SIGTERM')
// listener to the Service's 'stop' listener, against bare Node's second
// process listener (bench/fixtures/stop-gap-child.js), one fresh child of each
// per run, interleaved. signal-latency.mjs measures kill() → listener, which
// the process's wake-up dominates; this is servicehost's own share of it.
//   node bench/stop-gap.mjs [--runs 30] [--against <folder>] [--signal SIGINT]
// --against: another build of the package (a copy of an earlier commit, compiled), in the same rotation.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { median, numberOption, percentile, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 30);
const againstIndex = process.argv.indexOf('--against');
const against = againstIndex === -1 ? undefined : path.resolve(process.argv[againstIndex + 1]);
const signalIndex = process.argv.indexOf('--signal');
const signal = signalIndex === -1 ? 'SIGTERM' : process.argv[signalIndex + 1];
const fixture = path.join(repoRoot, 'bench', 'fixtures', 'stop-gap-child.js');
const MODES = { bare: ['bare', repoRoot, signal], service: ['service', repoRoot, signal], ...(against ? { against: ['service', against, signal] } : {}) };

const gaps = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]));
for (let run = 0; run < runs; run++) {
  const order = Object.keys(MODES);
  for (let turn = 0; turn < run % order.length; turn++) order.push(order.shift());
  for (const mode of order) {
    const out = execFileSync(process.execPath, [fixture, ...MODES[mode]], { env: { ...process.env, NOTIFY_SOCKET: '' } }).toString();
    gaps[mode].push(Number(/gap ([\d.]+)/u.exec(out)[1]));
  }
}
console.log(`first ${signal} listener → the listener under test, ${runs} fresh processes each, node ${process.version} ${process.platform}-${process.arch}`);
for (const [mode, values] of Object.entries(gaps)) {
  const label = mode === 'bare' ? `bare: a second process.on('${signal}')` : mode === 'service' ? "service.on('stop')" : `service.on('stop'), ${against}`;
  console.log(`  ${label.padEnd(40)} p50 ${median(values).toFixed(1)} µs (p25 ${percentile(values, 25).toFixed(1)}, p75 ${percentile(values, 75).toFixed(1)})`);
}
