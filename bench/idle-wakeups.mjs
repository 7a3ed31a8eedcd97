#!/usr/bin/env node
// Idle cost: how often an idle service's main thread wakes, read from
// /proc/<pid>/task/<pid>/status (voluntary context switches) over a quiet
// window. Linux only.
//   node bench/idle-wakeups.mjs [--seconds 10]
import { readFileSync } from 'node:fs';
import { numberOption, startChild } from './lifecycle-child.mjs';

const seconds = numberOption('seconds', 10);
if (process.platform !== 'linux') {
  console.log('idle-wakeups: Linux only (it reads /proc)');
  process.exit(0);
}

function switches(pid) {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
}

async function measure(label, mode, env) {
  const { child, exited } = await startChild(mode, 0, env);
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // start-up settles
  const before = switches(child.pid);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  const wakeups = switches(child.pid) - before;
  child.kill('SIGTERM');
  await exited;
  console.log(`  ${label.padEnd(52)} ${wakeups} wake-ups in ${seconds} s`);
}

console.log(`idle main-thread wake-ups, node ${process.version} ${process.platform}-${process.arch}`);
await measure('bare node with a keep-alive timer', 'bare', {});
await measure('Service, posix host', 'service', {});
await measure('Service, systemd host, no watchdog', 'service', { NOTIFY_SOCKET: '@servicehost-bench-idle' });
await measure('Service, systemd host, WatchdogSec=2 (ping every 1 s)', 'service', { NOTIFY_SOCKET: '@servicehost-bench-idle', WATCHDOG_USEC: '2000000' });
