#!/usr/bin/env node
// `npm run example:service [-- --seconds N]`: installs examples/hello-service.js
// as a real Windows service with the `servicehost` command, shows its status,
// stops it, prints the service's own log and removes it. On Linux it runs
// under Wine's own SCM; on Windows, for real (run the terminal as Administrator).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isNativeWindows, prepareWindowsEnvironment, repoRoot, runWindows, shutdownWindowsEnvironment, toWindowsPath, windowsNodeExe } from './windows-env.mjs';

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg === -1 ? 5 : Number(process.argv[secondsArg + 1]);
if (!Number.isFinite(seconds) || seconds < 0) throw new Error('--seconds takes a number');

const name = 'servicehost-example';
const logDir = path.join(repoRoot, 'build', 'example');
const logFile = path.join(logDir, 'hello-service.log');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `servicehost <args>` in Windows Node, its output shown as a terminal would. */
async function servicehost(args, { check = true } = {}) {
  console.log(`\n▶ servicehost ${args.map((arg) => (/\s/u.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`);
  const run = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(repoRoot, 'dist', 'cli.js')), ...args]);
  const output = `${run.stderr}${run.stdout}`.trim();
  if (output) console.log(output);
  if (check && run.code !== 0) {
    throw new Error(`servicehost ${args[0]} exited with ${run.code}${run.code === 5 ? ': run this terminal as Administrator' : ''}`);
  }
  return run;
}

async function main() {
  console.log(isNativeWindows ? '▶ Using the real Windows SCM' : "▶ Preparing Wine's SCM (first run: about a minute)");
  await prepareWindowsEnvironment();
  mkdirSync(logDir, { recursive: true });
  rmSync(logFile, { force: true });
  await runWindows(windowsNodeExe(), [toWindowsPath(path.join(repoRoot, 'dist', 'cli.js')), 'uninstall', name]);
  try {
    await servicehost(['install', '--name', name, '--display-name', 'servicehost example', '--', toWindowsPath(path.join(repoRoot, 'examples', 'hello-service.js')), toWindowsPath(logFile)]);
    await servicehost(['status', name]);
    console.log(`\n▶ running for ${seconds} s`);
    await sleep(seconds * 1000);
    await servicehost(['stop', name]);
    console.log(`\n▶ the service's log (${path.relative(repoRoot, logFile)})`);
    console.log(readFileSync(logFile, 'utf8').trim());
  } finally {
    await servicehost(['uninstall', name], { check: false });
    await shutdownWindowsEnvironment();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
