#!/usr/bin/env node
// The package's `install` script: use the prebuilt binary for this platform
// when it is there and loads; otherwise build from source with node-gyp.
// Set SERVICEHOST_BUILD_FROM_SOURCE=1 (or npm's --build-from-source) to always build.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.resolve(__dirname, '..');
const target = `${process.platform}-${process.arch}`;
const prebuilt = path.join(packageRoot, 'prebuilds', target, 'servicehost.node');

function wantsSourceBuild() {
  const flag = (value) => value !== undefined && value !== '' && value !== 'false' && value !== '0';
  return flag(process.env.SERVICEHOST_BUILD_FROM_SOURCE) || flag(process.env.npm_config_build_from_source);
}

function prebuiltLoads() {
  if (!fs.existsSync(prebuilt)) return false;
  try {
    require(prebuilt).getBuildInfo();
    return true;
  } catch (error) {
    console.warn(`servicehost: the prebuilt binary for ${target} does not load here (${error.message.split('\n')[0]}); building from source.`);
    return false;
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

// What a source build needs that this machine lacks, and how to get it here.
function missingBuildTools() {
  const has = (command, args = ['--version']) => spawnSync(command, args, { stdio: 'ignore', shell: false }).status === 0;
  const missing = [];
  if (!has('python3') && !has('python')) missing.push('Python 3');
  if (process.platform !== 'win32') {
    if (!has('make')) missing.push('make');
    if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++17 compiler');
  }
  return missing;
}

function buildHelp(missing) {
  const how = {
    linux: 'Debian/Ubuntu: apt-get install -y python3 make g++ (Fedora: dnf install python3 make gcc-c++)',
    darwin: 'macOS: xcode-select --install (Python 3 and make come with the Command Line Tools)',
    win32: 'Windows: install Python 3 and Visual Studio Build Tools with "Desktop development with C++" (winget install Microsoft.VisualStudio.2022.BuildTools)',
  }[process.platform] ?? 'install Python 3, make and a C++17 compiler';
  return (
    `servicehost: the source build for ${target} failed${missing.length ? `; this machine lacks ${missing.join(', ')}` : ''}.\n` +
    `  ${how}\n` +
    '  Then: npm rebuild servicehost. (A platform servicehost ships a prebuild for needs none of this: reinstall to get it.)'
  );
}

function main() {
  if (!wantsSourceBuild() && prebuiltLoads()) {
    console.log(`servicehost: using the prebuilt binary for ${target}.`);
    return 0;
  }
  const command = nodeGypCommand();
  if (!command) {
    console.error(
      `servicehost: no prebuilt binary for ${target} and node-gyp was not found.\n` +
        'Run the install through npm (it provides node-gyp), or install node-gyp, Python 3 and a C++17 compiler.\n' +
        buildHelp(missingBuildTools()),
    );
    return 1;
  }
  console.log(`servicehost: building from source for ${target} (node-gyp).`);
  const result = spawnSync(command[0], command[1], { cwd: packageRoot, stdio: 'inherit' });
  if (result.error) {
    console.error(`servicehost: could not run node-gyp: ${result.error.message}`);
    return 1;
  }
  if (result.status !== 0) console.error(buildHelp(missingBuildTools()));
  return result.status ?? 1;
}

process.exitCode = main();
