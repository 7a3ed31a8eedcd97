#!/usr/bin/env node
// The package's `install` script: use the prebuilt binary for this platform
// when it is there and loads; otherwise build from source with node-gyp.
// Set SERVICEHOST_BUILD_FROM_SOURCE=1 (or npm's --build-from-source) to always build.
//
// When neither gives an addon, the outcome depends on what the addon is for here:
// - Windows: the addon is the product (the SCM dispatcher, the console handler,
//   the service manager), so the install fails (exit 1).
// - Linux, macOS and the rest: the addon only serves systemd notify and fd
//   passing; a Service runs on signals without it. The install warns with what
//   is missing and what still works, and succeeds (exit 0), so `npm install`
//   goes through on Alpine/musl or FreeBSD. SERVICEHOST_BUILD_FROM_SOURCE=1 says
//   the addon is wanted: then a failed build fails the install, on any platform.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.resolve(__dirname, '..');
const target = `${process.platform}-${process.arch}`;
const prebuilt = path.join(packageRoot, 'prebuilds', target, 'servicehost.node');

const flag = (value) => value !== undefined && value !== '' && value !== 'false' && value !== '0';
const buildDemanded = () => flag(process.env.SERVICEHOST_BUILD_FROM_SOURCE);
const wantsSourceBuild = () => buildDemanded() || flag(process.env.npm_config_build_from_source);

function firstLine(error) {
  return String(error && error.message ? error.message : error).split('\n')[0];
}

// Why the prebuilt binary cannot be used, or undefined when it loads.
function prebuiltProblem() {
  if (!fs.existsSync(prebuilt)) return `${prebuilt} is not there (servicehost ships no prebuilt binary for ${target}, or it was left out)`;
  try {
    require(prebuilt).getBuildInfo();
    return undefined;
  } catch (error) {
    // dlopen's message starts with the file's path again: say it once.
    return `${prebuilt} does not load here (${firstLine(error).replace(`${prebuilt}: `, '')})`;
  }
}

// npm hands lifecycle scripts the path of its own node-gyp; run it with this
// node, so no shell and no .cmd wrapper is involved on Windows.
function nodeGypCommand() {
  const bundled = process.env.npm_config_node_gyp;
  if (bundled && fs.existsSync(bundled)) return [process.execPath, [bundled, 'rebuild']];
  try {
    return [process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild']];
  } catch {
    return undefined;
  }
}

// Runs node-gyp; says why it gave no addon, or undefined when it built one.
function sourceBuildProblem() {
  const command = nodeGypCommand();
  if (!command) return 'node-gyp was not found (npm provides it to install scripts; outside npm, install node-gyp)';
  console.log(`servicehost: building from source for ${target} (node-gyp).`);
  const result = spawnSync(command[0], command[1], { cwd: packageRoot, stdio: 'inherit' });
  if (result.error) return `could not run node-gyp: ${result.error.message}`;
  if (result.status !== 0) return `node-gyp ${result.status === null ? `was ended by ${result.signal}` : `exited with code ${result.status}`}`;
  return undefined;
}

// What a source build needs that this machine lacks (each looked up on PATH).
function missingBuildTools() {
  const has = (command, args = ['--version']) => spawnSync(command, args, { stdio: 'ignore', shell: false }).status === 0;
  const missing = [];
  if (!has('python3') && !has('python')) missing.push('Python 3 (python3, python)');
  if (process.platform !== 'win32') {
    if (!has('make')) missing.push('make');
    if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++17 compiler (c++, g++, clang++)');
  }
  return missing;
}

function howToGetBuildTools() {
  return (
    {
      linux: 'Debian/Ubuntu: apt-get install -y python3 make g++ (Fedora: dnf install python3 make gcc-c++; Alpine: apk add python3 make g++)',
      darwin: 'macOS: xcode-select --install (Python 3 and make come with the Command Line Tools)',
      freebsd: 'FreeBSD: pkg install python3 gmake (the base system has clang++)',
      win32: 'Windows: install Python 3 and Visual Studio Build Tools with "Desktop development with C++" (winget install Microsoft.VisualStudio.2022.BuildTools)',
    }[process.platform] ?? 'install Python 3, make and a C++17 compiler'
  );
}

function whyNoAddon(prebuiltWhy, buildWhy, missing) {
  return [
    prebuiltWhy && `  - the prebuilt binary: ${prebuiltWhy}`,
    `  - the source build: ${buildWhy}`,
    missing.length > 0 && `  - not found on PATH for a source build: ${missing.join(', ')}`,
  ]
    .filter(Boolean)
    .join('\n');
}

// The install fails: the addon is the product here, or it was asked for.
function failure(prebuiltWhy, buildWhy, missing) {
  return (
    `servicehost: the source build for ${target} failed${missing.length ? `; this machine lacks ${missing.join(', ')}` : ''}.\n` +
    `${whyNoAddon(prebuiltWhy, buildWhy, [])}\n` +
    `  ${howToGetBuildTools()}\n` +
    '  Then: npm rebuild servicehost. (A platform servicehost ships a prebuild for needs none of this: reinstall to get it.)'
  );
}

// The install goes on without the addon: say what is missing and what that costs.
function warning(prebuiltWhy, buildWhy, missing) {
  return (
    `servicehost: WARNING: installed without its native addon for ${target}; no prebuilt binary loads and the source build gave none:\n` +
    `${whyNoAddon(prebuiltWhy, buildWhy, missing)}\n` +
    'What still works: Service on signals (SIGTERM/SIGINT stop it, SIGHUP reloads, teardown, HTTP drain, health) under the posix host\n' +
    '  (a terminal, a container, launchd, a systemd unit without NOTIFY_SOCKET such as Type=simple or Type=exec), and servicehost/manage.\n' +
    'What does not: systemd notify (READY/STATUS/WATCHDOG: a Service under NOTIFY_SOCKET, as in the Type=notify unit servicehost install\n' +
    '  writes, fails to start with ERR_SERVICEHOST_NATIVE_LOAD_FAILED), socket activation fd passing (listenFds() when\n' +
    '  LISTEN_FDS is set), storeFds() (FDSTORE), and nativeBuildInfo().\n' +
    `To get the addon: ${howToGetBuildTools()}; then: npm rebuild servicehost.`
  );
}

function main() {
  let prebuiltWhy;
  if (!wantsSourceBuild()) {
    prebuiltWhy = prebuiltProblem();
    if (prebuiltWhy === undefined) {
      console.log(`servicehost: using the prebuilt binary for ${target}.`);
      return 0;
    }
    console.warn(`servicehost: the prebuilt binary for ${target} cannot be used: ${prebuiltWhy}; building from source.`);
  }
  const buildWhy = sourceBuildProblem();
  if (buildWhy === undefined) return 0;
  const missing = missingBuildTools();
  if (process.platform === 'win32' || buildDemanded()) {
    console.error(failure(prebuiltWhy, buildWhy, missing));
    return 1;
  }
  console.warn(warning(prebuiltWhy, buildWhy, missing));
  return 0;
}

process.exitCode = main();
