#!/usr/bin/env node
// A stop under keep-alive load: 50 clients loop GET /items on keep-alive
// connections and 20 slow requests (1.5 s) are in flight when SIGTERM comes.
// Two kinds of slow request: /slow sends its head with its body at the end
// (the drain can still add `Connection: close`), /stream sends its head at
// once (it cannot). Counted per run: requests the clients had sent that were
// reset, slow requests that completed, SIGTERM → exit, and exit after the
// last slow response ended. The client keeps its keep-alive sockets until the
// server closes them, as a pool does. servicehost's drain against Node's own
// server.close(), interleaved, the same client process.
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

async function once(mode, route) {
  const server = spawn(process.execPath, [path.join(repoRoot, 'bench', 'fixtures', 'keepalive-server.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
  let lastEnded = 0n;
  const port = Number((await waitLine(server.stdout, (line) => {
    if (line.startsWith('ended ')) lastEnded = BigInt(line.slice(6));
    return line.startsWith('listening ');
  })).split(' ')[1]);
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve({ code, at: process.hrtime.bigint() })));
  const client = spawn(process.execPath, [path.join(repoRoot, 'test', 'linux', 'fixtures', 'hammer-client.js'), String(port), '50', '20', route], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  return {
    resets: result.reset + result.other,
    slowDone: result.slow.filter((status) => status === 200).length,
    exitMs: Number(exit.at - sent) / 1e6,
    afterLastMs: Number(exit.at - lastEnded) / 1e6,
    exitCode: exit.code,
  };
}

const routes = [['/slow', 'head at the end'], ['/stream', 'streamed: head at once']];
const results = Object.fromEntries(routes.map(([route]) => [route, { bare: [], service: [] }]));
for (let run = 0; run < runs; run++) for (const [route] of routes) for (const mode of ['bare', 'service']) results[route][mode].push(await once(mode, route));
console.log(`stop under keep-alive load (50 hammering clients, 20 slow requests in flight), ${runs} runs, node ${process.version} ${process.platform}-${process.arch}`);
for (const [route, what] of routes) {
  console.log(`slow requests ${route} (${what})`);
  for (const [mode, label] of [['bare', "Node's server.close()"], ['service', 'servicehost']]) {
    const list = results[route][mode];
    const resets = list.map((run) => run.resets);
    const after = list.map((run) => run.afterLastMs);
    console.log(
      `  ${label.padEnd(22)} resets per stop: median ${median(resets)}, max ${Math.max(...resets)}; slow completed: median ${median(list.map((run) => run.slowDone))}/20; SIGTERM → exit: median ${median(list.map((run) => run.exitMs)).toFixed(0)} ms; exit after the last slow response: median ${median(after).toFixed(0)} ms, max ${Math.max(...after).toFixed(0)} ms; exit codes ${[...new Set(list.map((run) => run.exitCode))].join(',')}`,
    );
  }
}
