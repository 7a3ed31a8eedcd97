#!/usr/bin/env node
// What being loaded costs, against bare Node, in one interleaved run with
// paired differences: spawn → ready (and the child's own CPU time to ready, which
// a busy machine's scheduling delays do not change), memory once started (RSS, and on Linux its
// private part, RssAnon, apart from the file-backed part, RssFile: the node
// binary's pages a start touches), what is loaded (module files, Node
// built-ins), CPU per request on a fast route with the server added
// (service.add(server)), and SIGTERM → exit of an idle process. CommonJS and
// ESM both, each against bare Node of its own kind.
//   node bench/load-cost.mjs [--runs 20] [--requests 2000] [--against <folder>]
// --against: another build of the package with its own bench/fixtures (a copy
// of an earlier commit, compiled), run in the same rotation, so that a before
// and an after are measured on the same machine at the same time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { keepAliveLoad, median, numberOption, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 20);
const requests = numberOption('requests', 2000);
const againstIndex = process.argv.indexOf('--against');
const against = againstIndex === -1 ? undefined : path.resolve(process.argv[againstIndex + 1]);

// mode: [package folder, fixture, ...arguments]; each servicehost mode is paired with the bare mode of its own module system.
const MODES = {
  bare: [repoRoot, 'load-cost-child.js', 'bare'],
  cjs: [repoRoot, 'load-cost-child.js', 'service'],
  bareEsm: [repoRoot, 'load-cost-bare.mjs'],
  esm: [repoRoot, 'load-cost-child.mjs'],
  ...(against ? { cjsAgainst: [against, 'load-cost-child.js', 'service'], esmAgainst: [against, 'load-cost-child.mjs'] } : {}),
};
const BASELINE = { cjs: 'bare', esm: 'bareEsm', cjsAgainst: 'bare', esmAgainst: 'bareEsm' };

/** RssAnon and RssFile of a live process, in bytes (Linux); undefined elsewhere. */
function rssParts(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'mu').exec(status)?.[1]) * 1024;
    return { anon: kib('RssAnon'), file: kib('RssFile') };
  } catch {
    return { anon: NaN, file: NaN };
  }
}

function child(mode) {
  const [root, file, ...args] = MODES[mode];
  const spawnedAt = process.hrtime.bigint();
  // --expose-gc: RSS is read after a full collection in every mode, so that garbage left by start-up does not count.
  const proc = spawn(process.execPath, ['--expose-gc', path.join(root, 'bench', 'fixtures', file), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  const lines = [];
  const waiters = [];
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) {
      // The memory split is read at once, while the child is still where it printed its RSS.
      lines.push({ line, at: process.hrtime.bigint(), ...(line.startsWith('rss ') ? rssParts(proc.pid) : {}) });
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

async function once(mode) {
  const running = child(mode);
  const ready = await running.line('ready');
  const port = Number((await running.line('port ')).line.split(' ')[1]);
  const readyMs = Number(ready.at - running.spawnedAt) / 1e6;
  // The child's own CPU time to ready: what a busy machine's scheduling delays do not change.
  const readyCpuMs = Number(ready.line.split(' ')[1]) / 1e3;
  // Its main thread's alone (Linux): not even other threads of its own (compilers, GC helpers) count.
  const readyMainMs = Number(ready.line.split(' ')[2]) / 1e6;
  const rssLine = await running.line('rss ');
  const rss = Number(rssLine.line.split(' ')[1]);
  // Fixtures of an earlier build may not print it.
  const modulesLine = await Promise.race([running.line('modules '), new Promise((resolve) => setTimeout(resolve, 200))]);
  const [files, builtins] = modulesLine ? modulesLine.line.split(' ').slice(1).map(Number) : [NaN, NaN];
  running.proc.kill('SIGUSR2');
  const before = Number((await running.line('cpu ', 0)).line.split(' ')[1]);
  await keepAliveLoad(port, requests);
  running.proc.kill('SIGUSR2');
  const after = Number((await running.line('cpu ', 1)).line.split(' ')[1]);
  await new Promise((resolve) => setTimeout(resolve, 300)); // idle again
  const sent = process.hrtime.bigint();
  running.proc.kill('SIGTERM');
  const exit = await running.exited;
  return { readyMs, readyCpuMs, readyMainMs, rss, anon: rssLine.anon, file: rssLine.file, files, builtins, cpuPerRequestUs: (after - before) / requests, exitMs: Number(exit.at - sent) / 1e6 };
}

const results = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]));
for (let run = 0; run < runs; run++) {
  // Interleaved, in a rotating order, so that drift of the machine falls on every mode alike.
  const order = Object.keys(MODES);
  for (let turn = 0; turn < run % order.length; turn++) order.push(order.shift());
  for (const mode of order) results[mode].push(await once(mode));
}

const paired = (mode, key) => median(results[mode].map((result, index) => result[key] / results[BASELINE[mode]][index][key]));
const pairedDiff = (mode, key) => median(results[mode].map((result, index) => result[key] - results[BASELINE[mode]][index][key]));
const med = (mode, key) => median(results[mode].map((result) => result[key]));
const mib = (bytes) => (bytes / 2 ** 20).toFixed(2);
const rows = Object.keys(BASELINE).filter((mode) => mode in MODES);
const label = (mode) => `${mode.startsWith('cjs') ? 'CJS' : 'ESM'}${mode.endsWith('Against') ? ' (against)' : ''}`;
console.log(`what being loaded costs, ${runs} interleaved runs, ${requests} requests each, node ${process.version} ${process.platform}-${process.arch}${against ? `; against: ${against}` : ''}`);
console.log(`  bare: spawn → ready ${med('bare', 'readyMs').toFixed(1)} ms (ESM ${med('bareEsm', 'readyMs').toFixed(1)} ms), its CPU ${med('bare', 'readyCpuMs').toFixed(1)} ms (ESM ${med('bareEsm', 'readyCpuMs').toFixed(1)} ms), main thread ${med('bare', 'readyMainMs').toFixed(1)} ms (ESM ${med('bareEsm', 'readyMainMs').toFixed(1)} ms); RSS ${mib(med('bare', 'rss'))} MiB (RssAnon ${mib(med('bare', 'anon'))}, RssFile ${mib(med('bare', 'file'))}); CPU/request ${med('bare', 'cpuPerRequestUs').toFixed(1)} µs; SIGTERM → exit ${med('bare', 'exitMs').toFixed(2)} ms`);
console.log('  servicehost, median of paired differences (ratios for CPU and exit):');
for (const mode of rows) {
  console.log(
    `    ${label(mode).padEnd(15)} ready +${pairedDiff(mode, 'readyMs').toFixed(1)} ms (CPU +${pairedDiff(mode, 'readyCpuMs').toFixed(1)} ms, main thread +${pairedDiff(mode, 'readyMainMs').toFixed(1)} ms); RSS +${mib(pairedDiff(mode, 'rss'))} MiB (anon +${mib(pairedDiff(mode, 'anon'))}, file +${mib(pairedDiff(mode, 'file'))}); ` +
      `+${pairedDiff(mode, 'files').toFixed(0)} files, +${pairedDiff(mode, 'builtins').toFixed(0)} built-ins; CPU/request ${paired(mode, 'cpuPerRequestUs').toFixed(3)}×; SIGTERM → exit ${paired(mode, 'exitMs').toFixed(3)}×`,
  );
}
