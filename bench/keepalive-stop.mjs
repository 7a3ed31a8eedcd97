#!/usr/bin/env node
// A stop under keep-alive load: 50 clients loop GET /items on keep-alive
// connections and 20 slow requests (1.5 s) are in flight when SIGTERM comes.
// Counted per run: requests the clients had sent that were reset, slow
// requests that completed, and SIGTERM → exit. servicehost's drain against
// Node's own server.close(), interleaved, the same client process.
//   node bench/keepalive-stop.mjs [--runs 10]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { median, numberOption, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 10);

function lines(stream, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) onLine(line);
  });
}

function waitLine(stream, test) {
  return new Promise((resolve) => lines(stream, (line) => test(line) && resolve(line)));
}

async function once(mode) {
  const server = spawn(process.execPath, [path.join(repoRoot, 'bench', 'fixtures', 'keepalive-server.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  const port = Number((await waitLine(server.stdout, (line) => line.startsWith('listening '))).split(' ')[1]);
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve({ code, at: process.hrtime.bigint() })));
  const client = spawn(process.execPath, [path.join(repoRoot, 'test', 'linux', 'fixtures', 'hammer-client.js'), String(port), '50', '20', '/slow'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const clientLines = [];
  const summary = new Promise((resolve) => lines(client.stdout, (line) => {
    const parsed = JSON.parse(line);
    clientLines.push(parsed);
    if (parsed.kind === 'summary') resolve(parsed);
  }));
  while (!clientLines.some((line) => line.kind === 'hammering')) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sent = process.hrtime.bigint();
  server.kill('SIGTERM');
  const [result, exit] = await Promise.all([summary, exited]);
  return { resets: result.reset + result.other, slowDone: result.slow.filter((status) => status === 200).length, exitMs: Number(exit.at - sent) / 1e6, exitCode: exit.code };
}

const results = { bare: [], service: [] };
for (let run = 0; run < runs; run++) for (const mode of ['bare', 'service']) results[mode].push(await once(mode));
console.log(`stop under keep-alive load (50 hammering clients, 20 slow requests in flight), ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
for (const [mode, label] of [['bare', "Node's server.close()"], ['service', 'servicehost']]) {
  const list = results[mode];
  const resets = list.map((run) => run.resets);
  console.log(
    `  ${label.padEnd(22)} resets per stop: median ${median(resets)}, max ${Math.max(...resets)}; slow completed: median ${median(list.map((run) => run.slowDone))}/20; SIGTERM → exit: median ${median(list.map((run) => run.exitMs)).toFixed(0)} ms; exit codes ${[...new Set(list.map((run) => run.exitCode))].join(',')}`,
  );
}
