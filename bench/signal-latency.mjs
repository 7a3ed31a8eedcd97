#!/usr/bin/env node
// Signal-to-listener latency: kill() in this process → the listener in the
// child, on the shared CLOCK_MONOTONIC. Cold: the one SIGTERM of a fresh child,
// a Service 'stop' listener against Node's bare process.on('SIGTERM'). Warm:
// repeated SIGHUPs to one child, a 'reload' listener against process.on('SIGHUP').
//   node bench/signal-latency.mjs [--runs 50] [--settle 200] [--against <folder>]
// --against: another build of the package with its own bench/fixtures (a copy
// of an earlier commit, compiled): its cold SIGTERM runs in the same rotation
// as bare Node and this build's, each run a fresh child of each.
import path from 'node:path';
import { median, numberOption, percentile, startChild } from './lifecycle-child.mjs';

const runs = numberOption('runs', 50);
const settleMs = numberOption('settle', 200);
const againstIndex = process.argv.indexOf('--against');
const against = againstIndex === -1 ? undefined : path.resolve(process.argv[againstIndex + 1]);

async function once(mode) {
  const { child, exited, lineStarting } = mode === 'against' ? await startChild('service', 0, {}, against) : await startChild(mode);
  // Let the child settle into its idle loop, as a real service would be.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const sent = process.hrtime.bigint();
  child.kill('SIGTERM');
  const heard = BigInt((await lineStarting('signal ')).split(' ')[1]);
  await exited;
  return Number(heard - sent) / 1e3;
}

async function repeated(mode) {
  const { child, exited, lineStarting } = await startChild(mode);
  const latencies = [];
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (let run = 0; run <= runs; run++) {
    const sent = process.hrtime.bigint();
    child.kill('SIGHUP');
    const heard = BigInt((await lineStarting(`hup `, run)).split(' ')[1]);
    if (run > 0) latencies.push(Number(heard - sent) / 1e3); // the first one is cold
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGTERM');
  await exited;
  return latencies;
}

const coldModes = against ? ['bare', 'service', 'against'] : ['bare', 'service'];
const cold = Object.fromEntries(coldModes.map((mode) => [mode, []]));
for (let run = 0; run < runs; run++) {
  // A rotating order, so that drift of the machine falls on every mode alike.
  const order = [...coldModes];
  for (let turn = 0; turn < run % order.length; turn++) order.push(order.shift());
  for (const mode of order) cold[mode].push(await once(mode));
}
const warm = { bare: await repeated('bare'), service: await repeated('service') };
const show = (values) => `p50 ${median(values).toFixed(1)} µs, p99 ${percentile(values, 99).toFixed(1)} µs`;
const ratio = (results, mode = 'service') => (median(results[mode]) / median(results.bare)).toFixed(3);
console.log(`signal → listener, ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  cold, the one SIGTERM of a fresh process`);
console.log(`    process.on('SIGTERM'):   ${show(cold.bare)}`);
console.log(`    service.on('stop'):      ${show(cold.service)}`);
console.log(`    ratio of medians: ${ratio(cold)}`);
if (against) {
  console.log(`    against (${against}): ${show(cold.against)}; ratio of medians ${ratio(cold, 'against')}`);
  // Each run's service child against the bare child of the same run: the spread of the paired ratios.
  const pairedRatios = (mode) => cold[mode].map((value, index) => value / cold.bare[index]);
  console.log(`    paired ratios, median (p25–p75): this build ${median(pairedRatios('service')).toFixed(3)} (${percentile(pairedRatios('service'), 25).toFixed(3)}–${percentile(pairedRatios('service'), 75).toFixed(3)}), against ${median(pairedRatios('against')).toFixed(3)} (${percentile(pairedRatios('against'), 25).toFixed(3)}–${percentile(pairedRatios('against'), 75).toFixed(3)})`);
}
console.log(`  warm, repeated SIGHUP to one process`);
console.log(`    process.on('SIGHUP'):    ${show(warm.bare)}`);
console.log(`    service.on('reload'):    ${show(warm.service)}`);
console.log(`    ratio of medians: ${ratio(warm)}`);
