#!/usr/bin/env node
// Requests lost during a stop behind a load balancer that probes /readyz every
// 200 ms, under keep-alive load from 16 clients (test/linux/fixtures/load-balancer.js):
// drainDelayMs 0 against 500, interleaved, per run the failed requests, the
// time of the last failure after SIGTERM, and SIGTERM → exit.
//   node bench/load-balancer.mjs [--runs 10]
import { createRequire } from 'node:module';
import path from 'node:path';
import { median, numberOption, repoRoot } from './lifecycle-child.mjs';

const require = createRequire(import.meta.url);
const { emulateLoadBalancer } = require(path.join(repoRoot, 'test', 'linux', 'fixtures', 'load-balancer.js'));
const runs = numberOption('runs', 10);
const results = { 0: [], 500: [] };
for (let run = 0; run < runs; run += 1) {
  for (const drainDelayMs of [0, 500]) results[drainDelayMs].push(await emulateLoadBalancer({ drainDelayMs, probeIntervalMs: 200 }));
}
console.log(`load balancer probing every 200 ms, 16 keep-alive clients, ${runs} runs each (Node ${process.version})`);
for (const [delay, list] of Object.entries(results)) {
  const failed = list.map((run) => run.failures.length);
  const last = list.map((run) => Math.max(0, ...run.failures.map((failure) => failure.afterStopMs)));
  console.log(
    `drainDelayMs ${delay.padStart(3)}: failed requests median ${median(failed)} (min ${Math.min(...failed)}, max ${Math.max(...failed)}); ` +
      `last failure ${Math.max(...last)} ms after SIGTERM; served ${median(list.map((run) => run.ok))}; SIGTERM → exit median ${median(list.map((run) => run.stopToExitMs))} ms`,
  );
}
