#!/usr/bin/env node
// CPU per request on a fast route, servicehost against bare Node, in paired
// rounds: each round starts one child of every kind, in a rotating order,
// warms it up, and reads the child's own user+system CPU time across the same
// number of keep-alive requests. The ratio to that round's bare child is the
// figure; the run gives their geometric mean with a 95% confidence interval
// (Student's t over the rounds' log ratios).
//   service: `service.add(server)`
//   health:  the same, with `createHealthHandler(service)` in front of the route
//   node bench/cpu-per-request.mjs [--rounds 7] [--requests 20000] [--warmup 3000]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { keepAliveLoad, numberOption, readLines, repoRoot } from './lifecycle-child.mjs';

const rounds = numberOption('rounds', 7);
const requests = numberOption('requests', 20_000);
const warmup = numberOption('warmup', 3_000);
const MODES = ['bare', 'service', 'health'];

function start(mode) {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bench', 'fixtures', 'load-cost-child.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  const lines = readLines(proc);
  // The value after `prefix` on the index-th line that starts with it.
  const line = async (prefix, index = 0) => (await lines(prefix, index)).split(' ')[1];
  return { proc, line, exited: new Promise((resolve) => proc.once('exit', resolve)) };
}

async function cpuPerRequest(mode) {
  const child = start(mode);
  const port = Number(await child.line('port '));
  await keepAliveLoad(port, warmup, '/items?page=2');
  child.proc.kill('SIGUSR2');
  const before = Number(await child.line('cpu ', 0));
  await keepAliveLoad(port, requests, '/items?page=2');
  child.proc.kill('SIGUSR2');
  const after = Number(await child.line('cpu ', 1));
  child.proc.kill('SIGTERM');
  await child.exited;
  return (after - before) / requests;
}

// Two-sided 95% quantiles of Student's t, by degrees of freedom (then 1.96).
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
function geometricInterval(ratios) {
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
  const half = (T95[logs.length - 2] ?? 1.96) * (sd / Math.sqrt(logs.length));
  return { mean: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

const results = Object.fromEntries(MODES.map((mode) => [mode, []]));
for (let round = 0; round < rounds; round++) {
  const order = [...MODES];
  for (let turn = 0; turn < round % order.length; turn++) order.push(order.shift());
  for (const mode of order) results[mode].push(await cpuPerRequest(mode));
}
console.log(`CPU per request, ${rounds} paired rounds of ${requests} requests (after ${warmup}), node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  bare:    ${results.bare.map((value) => value.toFixed(1)).join(' ')} µs`);
for (const mode of ['service', 'health']) {
  const ratios = results[mode].map((value, index) => value / results.bare[index]);
  const { mean, low, high } = geometricInterval(ratios);
  console.log(`  ${mode.padEnd(8)} ${results[mode].map((value) => value.toFixed(1)).join(' ')} µs; ratio ${mean.toFixed(3)}× (95% CI ${low.toFixed(3)}–${high.toFixed(3)}); rounds ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')}`);
}
