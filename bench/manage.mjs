#!/usr/bin/env node
// servicehost/manage against the SCM (under Wine on Linux: Wine figures):
// query(), list() and an install + uninstall cycle through the native manager
// API, all inside one Windows Node process, beside the cost of one `sc query`
// (a process per call, the way wrappers that shell out to sc.exe pay).
//
//   node bench/manage.mjs [--count 100]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { prepareWindowsEnvironment, repoRoot, runWindows, sc, shutdownWindowsEnvironment, toWindowsPath, windowsNodeExe } from '../scripts/windows-env.mjs';

const index = process.argv.indexOf('--count');
const count = index === -1 ? 100 : Number(process.argv[index + 1]);

await prepareWindowsEnvironment();
try {
  const out = path.join(repoRoot, 'build', 'tmp', `bench-manage-${process.pid}.json`);
  const script = toWindowsPath(path.join(repoRoot, 'examples', 'hello-service.js'));
  const run = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(repoRoot, 'bench', 'fixtures', 'manage-timing.js')), script, toWindowsPath(out), String(count)], { timeoutMs: 600_000 });
  const figures = JSON.parse(readFileSync(out, 'utf8'));
  if (figures.error) throw new Error(`${figures.error}\n${run.stderr}`);
  const scSamples = [];
  for (let i = 0; i < 10; i++) {
    const started = process.hrtime.bigint();
    await sc(['query', 'RpcSs']);
    scSamples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  scSamples.sort((a, b) => a - b);
  const format = ({ runs, p50, p99 }) => `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (${runs} runs)`;
  console.log(`query() (config + status + registry)    ${format(figures.query)}`);
  console.log(`${`list() of ${figures.services} services`.padEnd(40)} ${format(figures.list)}`);
  console.log(`install + uninstall                      ${format(figures.installUninstall)}`);
  console.log(`one \`sc query\` process, for comparison   p50 ${scSamples[5].toFixed(1)} ms (10 runs)`);
} finally {
  await shutdownWindowsEnvironment();
}
