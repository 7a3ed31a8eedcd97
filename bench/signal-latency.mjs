#!/usr/bin/env node
// Signal-to-listener latency: kill(SIGTERM) in this process → the listener in
// the child, on the shared CLOCK_MONOTONIC, for a Service 'stop' listener
// against Node's bare process.on('SIGTERM').
//   node bench/signal-latency.mjs [--runs 50]
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

const results = { bare: [], service: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['bare', 'service']) results[mode].push(await once(mode));
}
const show = (values) => `p50 ${median(values).toFixed(1)} µs, p99 ${percentile(values, 99).toFixed(1)} µs`;
console.log(`signal → listener, ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  process.on('SIGTERM'):     ${show(results.bare)}`);
console.log(`  service.on('stop'):        ${show(results.service)}`);
console.log(`  ratio of medians: ${(median(results.service) / median(results.bare)).toFixed(3)}`);
