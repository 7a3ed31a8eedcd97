#!/usr/bin/env node
// `npm run example:service [-- --seconds N]`: installs examples/hello-service.js
// as a real Windows service, starts it, shows its status and log, stops it and
// removes it. On Linux it runs under Wine's own SCM; on Windows, for real (run
// the terminal as Administrator).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { windowsCommandLine } from '../dist/windows.js';
import {
  prepareWindowsEnvironment,
  queryService,
  repoRoot,
  sc,
  shutdownWindowsEnvironment,
  toWindowsPath,
  windowsNodeExe,
  isNativeWindows,
} from './windows-env.mjs';

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg === -1 ? 5 : Number(process.argv[secondsArg + 1]);
if (!Number.isFinite(seconds) || seconds < 0) throw new Error('--seconds takes a number');

const name = 'servicehost-example';
const logDir = path.join(repoRoot, 'build', 'example');
const logFile = path.join(logDir, 'hello-service.log');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForState(state, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await queryService(name);
    if (status.state === state) return status;
    if (Date.now() > deadline) throw new Error(`${name} did not reach ${state}:\n${status.output}`);
    await sleep(100);
  }
}

function step(text) {
  console.log(`\n▶ ${text}`);
}

async function main() {
  step(isNativeWindows ? 'Using the real Windows SCM' : "Preparing Wine's SCM (first run: about a minute)");
  await prepareWindowsEnvironment();
  mkdirSync(logDir, { recursive: true });
  rmSync(logFile, { force: true });
  if ((await queryService(name)).exists) await sc(['delete', name]);

  const binPath = windowsCommandLine(toWindowsPath(windowsNodeExe()), [
    toWindowsPath(path.join(repoRoot, 'examples', 'hello-service.js')),
    toWindowsPath(logFile),
  ]);
  step(`sc create ${name} binPath= ${binPath}`);
  const created = await sc(['create', name, 'binPath=', binPath, 'DisplayName=', 'servicehost example']);
  if (created.code !== 0) {
    throw new Error(`sc create failed (${created.code}):\n${created.output}${created.code === 5 ? '\nRun this terminal as Administrator.' : ''}`);
  }
  try {
    step(`sc start ${name}`);
    await sc(['start', name]);
    console.log((await waitForState('RUNNING')).output.trim());
    step(`running for ${seconds} s`);
    await sleep(seconds * 1000);
    step(`sc stop ${name}`);
    await sc(['stop', name]);
    console.log((await waitForState('STOPPED')).output.trim());
    await sleep(300);
    step(`the service's log (${path.relative(repoRoot, logFile)})`);
    console.log(readFileSync(logFile, 'utf8').trim());
  } finally {
    step(`sc delete ${name}`);
    await sc(['delete', name]);
    await shutdownWindowsEnvironment();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
