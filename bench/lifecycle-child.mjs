// Runs bench/fixtures/lifecycle-child.js and reads its lines: shared by the lifecycle benchmarks.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function median(values) {
  return percentile(values, 50);
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export function numberOption(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

/**
 * Reads a child's stdout by lines: the returned function resolves with the
 * `index`-th line (from 0) that starts with `prefix`, once it has come.
 */
export function readLines(child) {
  const lines = [];
  const waiters = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.splice(0)) waiter();
    }
  });
  return async (prefix, index = 0) => {
    for (;;) {
      const found = lines.filter((line) => line.startsWith(prefix))[index];
      if (found) return found;
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
}

/** Starts the child (the fixture of the package folder `root`, this one by default), resolves once it printed "ready". */
export function startChild(mode, drainMs = 0, env = {}, root = repoRoot) {
  const child = spawn(process.execPath, [path.join(root, 'bench', 'fixtures', 'lifecycle-child.js'), mode, String(drainMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NOTIFY_SOCKET: '', ...env },
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve({ code, at: process.hrtime.bigint() })));
  const lineStarting = readLines(child);
  return lineStarting('ready').then(() => ({ child, exited, lineStarting }));
}

/** `count` GETs of `urlPath` from 8 loops on one keep-alive agent: the load of the load-cost benchmarks. */
export async function keepAliveLoad(port, count, urlPath = '/') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (response) => response.resume().on('end', resolve)).on('error', reject));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
}
