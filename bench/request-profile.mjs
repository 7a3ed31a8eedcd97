#!/usr/bin/env node
// Where CPU per request goes, by V8's sampling profiler rather than by
// subtraction: each child (service, health; see bench/fixtures/load-cost-child.js)
// runs under --cpu-prof, and over the keep-alive load (after a warm-up) the
// share of its busy samples with a frame of servicehost's own code on the stack
// (dist/, inclusive: what servicehost calls counts) is servicehost's share.
//   node bench/request-profile.mjs [--requests 20000] [--warmup 3000] [--interval 50]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keepAliveLoad, numberOption, readLines, repoRoot } from './lifecycle-child.mjs';

const requests = numberOption('requests', 20_000);
const warmup = numberOption('warmup', 3_000);
const interval = numberOption('interval', 50);
const ours = path.join(repoRoot, 'dist');

async function profile(mode) {
  const folder = mkdtempSync(path.join(tmpdir(), 'servicehost-profile-'));
  const proc = spawn(process.execPath, [`--cpu-prof`, `--cpu-prof-dir=${folder}`, `--cpu-prof-interval=${interval}`, path.join(repoRoot, 'bench', 'fixtures', 'load-cost-child.js'), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NOTIFY_SOCKET: '' },
  });
  const lines = readLines(proc);
  const port = Number((await lines('port ')).split(' ')[1]);
  await keepAliveLoad(port, warmup, '/items?page=2');
  // The window, on the clock the profile uses (CLOCK_MONOTONIC, µs).
  const from = Number(process.hrtime.bigint() / 1000n);
  await keepAliveLoad(port, requests, '/items?page=2');
  const to = Number(process.hrtime.bigint() / 1000n);
  proc.kill('SIGTERM');
  await new Promise((resolve) => proc.once('exit', resolve));
  const [file] = readdirSync(folder);
  const cpu = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
  rmSync(folder, { recursive: true, force: true });
  const nodes = new Map(cpu.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of cpu.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Whether a sample's stack holds a frame of servicehost's, and the leaf frame if so.
  const servicehostLeaf = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame;
      if (frame.url.includes(ours)) return `${frame.functionName || '(anonymous)'} ${path.relative(repoRoot, frame.url.replace(/^file:\/\//u, ''))}:${frame.lineNumber + 1}`;
    }
    return undefined;
  };
  let time = cpu.startTime;
  let busy = 0;
  let ourTime = 0;
  const byFunction = new Map();
  for (let index = 0; index < cpu.samples.length; index++) {
    time += cpu.timeDeltas[index];
    if (time < from || time > to) continue;
    const delta = cpu.timeDeltas[index];
    if (nodes.get(cpu.samples[index]).callFrame.functionName === '(idle)') continue;
    busy += delta;
    const leaf = servicehostLeaf(cpu.samples[index]);
    if (leaf === undefined) continue;
    ourTime += delta;
    byFunction.set(leaf, (byFunction.get(leaf) ?? 0) + delta);
  }
  return { busy, ourTime, byFunction };
}

console.log(`servicehost's share of the busy samples over ${requests} keep-alive requests (after ${warmup}), ${interval} µs interval, node ${process.version} ${process.platform}-${process.arch}`);
for (const mode of ['service', 'health']) {
  const { busy, ourTime, byFunction } = await profile(mode);
  console.log(`  ${mode.padEnd(8)} ${((100 * ourTime) / busy).toFixed(2)}% (${(ourTime / 1000).toFixed(1)} of ${(busy / 1000).toFixed(1)} ms busy)`);
  for (const [name, spent] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`    ${(spent / 1000).toFixed(2).padStart(7)} ms  ${name}`);
}
