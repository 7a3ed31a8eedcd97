#!/usr/bin/env node
// Windows output capture's cost, under Wine on Linux (figures are Wine
// figures): console.log throughput of a node.exe whose output the register
// preload captures (SERVICEHOST_LOG_DIR: output.log, counted for rotation),
// with and without --log-timestamps, against a bare node.exe whose stdout is
// redirected to a file (Node's own SyncWriteStream). The runs interleave, so
// a slow moment of the machine hits every kind alike.
//
//   node bench/output-capture.mjs [--lines 100000] [--runs 5]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { prepareWindowsEnvironment, repoRoot, runWindows, shutdownWindowsEnvironment, toWindowsPath, windowsNodeExe } from '../scripts/windows-env.mjs';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const lines = argument('lines', 100_000);
const runs = argument('runs', 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const writer = toWindowsPath(path.join(repoRoot, 'bench', 'fixtures', 'output-writer.js'));
const register = toWindowsPath(path.join(repoRoot, 'dist', 'register.js'));
const KINDS = {
  'bare node.exe, stdout redirected to a file': { nodeArgs: [], env: {} },
  'captured (servicehost/register, SERVICEHOST_LOG_DIR)': { nodeArgs: ['-r', register], env: {} },
  'captured with --log-timestamps': { nodeArgs: ['-r', register], env: { SERVICEHOST_LOG_TIMESTAMPS: '1' } },
};

async function once(kind, scratch, run) {
  const result = path.join(scratch, `${run}-${Object.keys(KINDS).indexOf(kind)}.json`);
  const logDir = path.join(scratch, `logs-${run}-${Object.keys(KINDS).indexOf(kind)}`);
  const { nodeArgs, env } = KINDS[kind];
  const captureEnv = nodeArgs.length > 0 ? { SERVICEHOST_LOG_DIR: toWindowsPath(logDir), ...env } : {};
  const finished = await runWindows(windowsNodeExe(), [...nodeArgs, writer, toWindowsPath(result), String(lines)], { env: captureEnv, timeoutMs: 300_000 });
  if (finished.code !== 0) throw new Error(`${kind}: exit ${finished.code}\n${finished.stderr}`);
  const { ms, captured } = JSON.parse(readFileSync(result, 'utf8'));
  return { ms, stream: captured };
}

await prepareWindowsEnvironment();
const scratch = mkdtempSync(path.join(repoRoot, 'build', 'tmp', 'bench-capture-'));
try {
  const times = Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, []]));
  const streams = {};
  for (let run = 0; run < runs; run++) {
    for (const kind of Object.keys(KINDS)) {
      const { ms, stream } = await once(kind, scratch, run);
      times[kind].push(ms);
      streams[kind] = stream;
    }
  }
  console.log(`console.log of ${lines} lines (~66 bytes each), median of ${runs} interleaved runs, under Wine:`);
  const bare = median(times[Object.keys(KINDS)[0]]);
  for (const [kind, values] of Object.entries(times)) {
    const ms = median(values);
    console.log(`  ${kind} [${streams[kind]}]: ${ms.toFixed(0)} ms, ${Math.round((lines / ms) * 1000)} lines/s, ${(bare / ms).toFixed(2)}x bare`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await shutdownWindowsEnvironment();
}
