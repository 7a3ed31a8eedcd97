#!/usr/bin/env node
// `servicehost list` over N hosts against one: the hosts are asked in
// parallel (up to --concurrency), so N hosts should cost about one host's
// time until the bound, then one more round per bound's worth. Each host is
// the linux ring's systemctl stand-in (test/linux/fixtures/remote-systemctl.js),
// which waits --delay ms before each of its two answers (the unit files,
// then `show`), as an ssh round trip would; the figure is the command's
// wall time, process start to exit, median of --runs.
//   node bench/list-hosts.mjs [--runs 5] [--delay 150]
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberOption, repoRoot } from './lifecycle-child.mjs';

const runs = numberOption('runs', 5);
const delay = numberOption('delay', 150);
const folder = mkdtempSync(path.join(os.tmpdir(), 'servicehost-bench-hosts-'));
const systemctl = path.join(folder, 'systemctl');
writeFileSync(systemctl, readFileSync(path.join(repoRoot, 'test', 'linux', 'fixtures', 'remote-systemctl.js'), 'utf8').replace('#!/usr/bin/env node', `#!${process.execPath}`));
chmodSync(systemctl, 0o755);

function list(hosts, concurrency) {
  const args = [path.join(repoRoot, 'dist', 'cli.js'), 'list', '--json', '--systemctl', systemctl, '--concurrency', String(concurrency), ...hosts.flatMap((host) => ['--host', host])];
  const began = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env: { ...process.env, REMOTE_SYSTEMCTL_DELAY_MS: String(delay) } }, (error, stdout) => {
      if (error) return reject(error);
      if (JSON.parse(stdout).length !== hosts.length) return reject(new Error(`expected ${hosts.length} rows`));
      resolve(Number(process.hrtime.bigint() - began) / 1e6);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cases = [
  [1, 8],
  [4, 8],
  [8, 8],
  [16, 8],
  [16, 1],
];
console.log(`list over N hosts, each answering twice after ${delay} ms; median of ${runs}`);
try {
  for (const [count, concurrency] of cases) {
    const hosts = Array.from({ length: count }, (_, index) => `root@web${index + 1}`);
    const times = [];
    for (let run = 0; run < runs; run += 1) times.push(await list(hosts, concurrency));
    console.log(`${String(count).padStart(2)} host(s), concurrency ${concurrency}: ${median(times).toFixed(0)} ms`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
