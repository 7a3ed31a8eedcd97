#!/usr/bin/env node
// Stop overhead: SIGTERM → process exit, minus the application's own drain
// time, for a Service with one teardown step against bare Node that drains
// the same way in process.on('SIGTERM') and exits.
//   node bench/stop-overhead.mjs [--runs 30] [--drain 100]
import { median, numberOption, percentile, startChild } from './lifecycle-child.mjs';

const runs = numberOption('runs', 30);
const drainMs = numberOption('drain', 100);

async function once(mode) {
  const { child, exited, lineStarting } = await startChild(mode, drainMs);
  const sent = process.hrtime.bigint();
  child.kill('SIGTERM');
  const { code, at } = await exited;
  if (code !== 0) throw new Error(`${mode} child exited with ${code}`);
  const drained = Number((await lineStarting('drained ')).split(' ')[1]);
  return Number(at - sent) / 1e6 - drained;
}

const results = { bare: [], service: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['bare', 'service']) results[mode].push(await once(mode));
}
const show = (values) => `median ${median(values).toFixed(2)} ms, p90 ${percentile(values, 90).toFixed(2)} ms`;
console.log(`stop overhead (SIGTERM → exit minus the ${drainMs} ms drain), ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  bare node:  ${show(results.bare)}`);
console.log(`  Service:    ${show(results.service)}`);
console.log(`  servicehost's own share (median difference): ${(median(results.service) - median(results.bare)).toFixed(2)} ms`);
