#!/usr/bin/env node
// Signal-to-listener latency: kill() in this process → the listener in the
// child, on the shared CLOCK_MONOTONIC. Cold: the one SIGTERM of a fresh child,
// a Service 'stop' listener against Node's bare process.on('SIGTERM'). Warm:
// repeated SIGHUPs to one child, a 'reload' listener against process.on('SIGHUP').
//   node bench/signal-latency.mjs [--runs 50] [--settle 200]
import { median, numberOption, percentile, startChild } from './lifecycle-child.mjs';

const runs = numberOption('runs', 50);
const settleMs = numberOption('settle', 200);

async function once(mode) {
  const { child, exited, lineStarting } = await startChild(mode);
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

const cold = { bare: [], service: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['bare', 'service']) cold[mode].push(await once(mode));
}
const warm = { bare: await repeated('bare'), service: await repeated('service') };
const show = (values) => `p50 ${median(values).toFixed(1)} µs, p99 ${percentile(values, 99).toFixed(1)} µs`;
const ratio = (results) => (median(results.service) / median(results.bare)).toFixed(3);
console.log(`signal → listener, ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  cold, the one SIGTERM of a fresh process`);
console.log(`    process.on('SIGTERM'):   ${show(cold.bare)}`);
console.log(`    service.on('stop'):      ${show(cold.service)}`);
console.log(`    ratio of medians: ${ratio(cold)}`);
console.log(`  warm, repeated SIGHUP to one process`);
console.log(`    process.on('SIGHUP'):    ${show(warm.bare)}`);
console.log(`    service.on('reload'):    ${show(warm.service)}`);
console.log(`    ratio of medians: ${ratio(warm)}`);
