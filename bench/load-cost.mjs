#!/usr/bin/env node
// What being loaded costs, against bare Node, in one interleaved run with
// paired ratios: spawn → ready, RSS once started, CPU per request on a fast
// route with the server added (service.add(server)), and SIGTERM → exit of an
// idle process. CommonJS and ESM both, each against bare Node of its own kind.
//   node bench/load-cost.mjs [--runs 20] [--requests 4000]
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { median, numberOption, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 20);
const requests = numberOption('requests', 4000);
// Each servicehost mode is paired with the bare mode of its own module system.
const MODES = { bare: ['load-cost-child.js', 'bare'], cjs: ['load-cost-child.js', 'service'], bareEsm: ['load-cost-bare.mjs'], esm: ['load-cost-child.mjs'] };
const BASELINE = { cjs: 'bare', esm: 'bareEsm' };

function child(mode) {
  const [file, ...args] = MODES[mode];
  const spawnedAt = process.hrtime.bigint();
  // --expose-gc: RSS is read after a full collection in every mode, so that garbage left by start-up does not count.
  const proc = spawn(process.execPath, ['--expose-gc', path.join(repoRoot, 'bench', 'fixtures', file), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  const lines = [];
  const waiters = [];
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) {
      lines.push({ line, at: process.hrtime.bigint() });
      for (const waiter of waiters.splice(0)) waiter();
    }
  });
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve({ code, at: process.hrtime.bigint() })));
  const line = async (prefix, index = 0) => {
    for (;;) {
      const found = lines.filter((entry) => entry.line.startsWith(prefix))[index];
      if (found) return found;
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  return { proc, spawnedAt, exited, line };
}

async function load(port, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/', agent }, (response) => response.resume().on('end', resolve)).on('error', reject));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
}

async function once(mode) {
  const running = child(mode);
  const ready = await running.line('ready');
  const port = Number((await running.line('port ')).line.split(' ')[1]);
  const readyMs = Number(ready.at - running.spawnedAt) / 1e6;
  const rss = Number((await running.line('rss ')).line.split(' ')[1]);
  running.proc.kill('SIGUSR2');
  const before = Number((await running.line('cpu ', 0)).line.split(' ')[1]);
  await load(port, requests);
  running.proc.kill('SIGUSR2');
  const after = Number((await running.line('cpu ', 1)).line.split(' ')[1]);
  await new Promise((resolve) => setTimeout(resolve, 300)); // idle again
  const sent = process.hrtime.bigint();
  running.proc.kill('SIGTERM');
  const exit = await running.exited;
  return { readyMs, rss, cpuPerRequestUs: (after - before) / requests, exitMs: Number(exit.at - sent) / 1e6 };
}

const results = { bare: [], cjs: [], bareEsm: [], esm: [] };
for (let run = 0; run < runs; run++) {
  // Interleaved, in a rotating order, so that drift of the machine falls on every mode alike.
  const order = ['bare', 'cjs', 'bareEsm', 'esm'];
  for (let turn = 0; turn < run % 4; turn++) order.push(order.shift());
  for (const mode of order) results[mode].push(await once(mode));
}

const paired = (mode, key) => median(results[mode].map((result, index) => result[key] / results[BASELINE[mode]][index][key]));
const pairedDiff = (mode, key) => median(results[mode].map((result, index) => result[key] - results[BASELINE[mode]][index][key]));
const med = (mode, key) => median(results[mode].map((result) => result[key]));
console.log(`what being loaded costs, ${runs} interleaved runs, ${requests} requests each, node ${process.version} ${process.platform}-${process.arch}`);
console.log(`  spawn → ready:          bare ${med('bare', 'readyMs').toFixed(1)} ms (ESM ${med('bareEsm', 'readyMs').toFixed(1)} ms); servicehost CJS +${pairedDiff('cjs', 'readyMs').toFixed(1)} ms, ESM +${pairedDiff('esm', 'readyMs').toFixed(1)} ms (median of paired differences)`);
console.log(`  RSS once started:       bare ${(med('bare', 'rss') / 2 ** 20).toFixed(1)} MiB; CJS +${(pairedDiff('cjs', 'rss') / 2 ** 20).toFixed(2)} MiB, ESM +${(pairedDiff('esm', 'rss') / 2 ** 20).toFixed(2)} MiB`);
console.log(`  CPU per request:        bare ${med('bare', 'cpuPerRequestUs').toFixed(1)} µs; CJS ${paired('cjs', 'cpuPerRequestUs').toFixed(3)}×, ESM ${paired('esm', 'cpuPerRequestUs').toFixed(3)}× (median of paired ratios)`);
console.log(`  SIGTERM → exit, idle:   bare ${med('bare', 'exitMs').toFixed(2)} ms; CJS ${paired('cjs', 'exitMs').toFixed(3)}×, ESM ${paired('esm', 'exitMs').toFixed(3)}×`);
