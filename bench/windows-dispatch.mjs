#!/usr/bin/env node
// Windows benchmarks, under Wine's SCM on Linux (figures are Wine figures):
// - dispatch latency: HandlerEx entry → JS listener, p50/p99 over N custom
//   controls, with an idle event loop and with a busy one (1 ms CPU slices);
//   each control is its own event (the queue merges only past 1024 waiting),
//   so the events heard should equal the controls sent;
// - start overhead: in the service process, its first line of code → RUNNING
//   reported (loading servicehost, the dispatcher thread, ServiceMain, the
//   first status), beside process start → first line;
// - RSS with the addon loaded and connected, against a bare node.exe.
//
//   node bench/windows-dispatch.mjs [--controls 2000] [--runs 5]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { windowsCommandLine } from '../dist/windows.js';
import {
  controlService,
  prepareWindowsEnvironment,
  queryService,
  repoRoot,
  runWindows,
  sc,
  shutdownWindowsEnvironment,
  toWindowsPath,
  windowsNodeExe,
} from '../scripts/windows-env.mjs';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const controls = argument('controls', 2000);
const runs = argument('runs', 5);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function waitForState(name, state) {
  for (let i = 0; i < 600; i++) {
    if ((await queryService(name)).state === state) return;
    await sleep(50);
  }
  throw new Error(`${name} never reached ${state}`);
}

async function runService(mode, label) {
  const name = `servicehost-bench-${label}-${process.pid}`;
  const resultFile = path.join(repoRoot, 'build', 'tmp', `${name}.json`);
  const binPath = windowsCommandLine(toWindowsPath(windowsNodeExe()), [
    toWindowsPath(path.join(repoRoot, 'bench', 'fixtures', 'dispatch-service.js')),
    toWindowsPath(resultFile),
    mode,
  ]);
  await sc(['create', name, 'binPath=', binPath]);
  try {
    await sc(['start', name]);
    await waitForState(name, 'RUNNING');
    if (controls > 0) {
      const sent = await controlService('burst', name, 150, controls);
      if (sent.code !== 0) throw new Error(`burst failed: ${sent.output}`);
    }
    await controlService('control', name, 151);
    await waitForState(name, 'STOPPED');
    for (let i = 0; i < 100 && !existsSync(resultFile); i++) await sleep(50);
    return JSON.parse(readFileSync(resultFile, 'utf8'));
  } finally {
    await sc(['delete', name]);
  }
}

async function bareNode() {
  const script = "const { performance } = require('node:perf_hooks'); console.log(JSON.stringify({ firstLineMs: performance.now(), rss: process.memoryUsage().rss }))";
  const result = await runWindows(windowsNodeExe(), ['-e', script]);
  return JSON.parse(result.stdout);
}

await prepareWindowsEnvironment();
try {
  for (const mode of ['idle', 'busy']) {
    const result = await runService(mode, mode);
    const micros = [...result.samples].sort((a, b) => a - b);
    console.log(
      `dispatch latency (${mode} loop, ${controls} controls sent, ${micros.length} events heard; merged ${result.stats.merged}, dropped ${result.stats.dropped}): ` +
        `p50 ${percentile(micros, 50).toFixed(1)} µs, p99 ${percentile(micros, 99).toFixed(1)} µs, max ${micros.at(-1).toFixed(1)} µs`,
    );
  }
  const serviceStarts = [];
  const serviceFirstLines = [];
  const serviceRss = [];
  const bareStarts = [];
  const bareRss = [];
  for (let run = 0; run < runs; run++) {
    const service = await runService('idle', `start${run}`);
    serviceStarts.push(service.runningAtMs - service.firstLineMs);
    serviceFirstLines.push(service.firstLineMs);
    serviceRss.push(service.rss);
    const bare = await bareNode();
    bareStarts.push(bare.firstLineMs);
    bareRss.push(bare.rss);
  }
  console.log(
    `start (median of ${runs}): first line → RUNNING ${median(serviceStarts).toFixed(1)} ms (servicehost's overhead); ` +
      `process start → first line ${median(serviceFirstLines).toFixed(1)} ms as a service, ${median(bareStarts).toFixed(1)} ms for a bare node.exe in a console`,
  );
  console.log(`RSS (median of ${runs}): service with the addon ${(median(serviceRss) / 2 ** 20).toFixed(1)} MiB; bare node.exe ${(median(bareRss) / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await shutdownWindowsEnvironment();
}
