// A service's child processes end with it (issue 20): servicehost/register
// puts the service in a job object with KILL_ON_JOB_CLOSE, so a stop, a crash
// or taskkill /F ends its children, a `detached: true` child and an orphaned
// grandchild too. --no-kill-children leaves them running; Node's own job
// (libuv's) still ends a plain child, which the test asserts as it happens.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { isNativeWindows, queryService, repoRoot, runWindows, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manageOk, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, scratchDir, uniqueServiceName, waitFor, waitForState } from './harness/service';

const ring = inject('windowsRing');
const underWine = !isNativeWindows;
const fixture = toWindowsPath(path.join(fixturesDir, 'children-service.js'));
const KINDS = ['direct', 'detached', 'grandchild'] as const;
type Kind = (typeof KINDS)[number] | 'breakaway';

type Pids = Partial<Record<Kind, number>>;
type Alive = Partial<Record<Kind, boolean>>;

function pidsOf(folder: string, kinds: readonly Kind[]): Pids {
  const read = (kind: Kind) => Number(readFileSync(path.join(folder, kind), 'utf8'));
  return Object.fromEntries(kinds.map((kind) => [kind, read(kind)]));
}

/** Which of the pids name a live process, asked from Windows (Wine's pids are not Linux pids). */
async function alive(pids: Pids): Promise<Alive> {
  const script = `const r={};for(const [k,p] of Object.entries(JSON.parse(process.argv[1]))){try{process.kill(p,0);r[k]=true}catch{r[k]=false}}console.log(JSON.stringify(r))`;
  const run = await runWindows(windowsNodeExe(), ['-e', script, JSON.stringify(pids)]);
  return JSON.parse(run.stdout) as Alive;
}

async function isAlive(pid: number): Promise<boolean> {
  const run = await runWindows(windowsNodeExe(), ['-e', `try{process.kill(${pid},0);console.log(1)}catch{console.log(0)}`]);
  return run.stdout.trim() === '1';
}

async function endAll(pids: Pids): Promise<void> {
  await runWindows(windowsNodeExe(), ['-e', `for(const p of JSON.parse(process.argv[1])){try{process.kill(p)}catch{}}`, JSON.stringify(Object.values(pids))]);
}

async function servicePid(name: string): Promise<number> {
  const info = await manageOk({ op: 'query', name });
  expect(info.pid).toBeGreaterThan(0);
  return info.pid as number;
}

async function waitUntil(pids: Pids, expected: Alive, timeoutMs = 15_000): Promise<Alive> {
  let last: Alive | undefined;
  try {
    await waitFor('the children to match', async () => {
      last = await alive(pids);
      return Object.keys(expected).every((kind) => last![kind as Kind] === expected[kind as Kind]) || undefined;
    }, timeoutMs);
  } catch {
    // The assertion below shows which.
  }
  return last!;
}

/**
 * Installs and starts children-service.js, runs `body` with its children's
 * pids, and removes the service and any child left, whatever happens.
 */
async function withChildren(
  label: string,
  extraInstallArgs: string[],
  body: (name: string, pids: Pids, folder: string) => Promise<void>,
  launcher?: string,
): Promise<void> {
  const kinds: Kind[] = [...KINDS, ...(launcher === undefined ? [] : ['breakaway' as const])];
  const name = uniqueServiceName(label);
  const folder = scratchDir(`kill-children-${label}`);
  let pids: Pids | undefined;
  try {
    // No recovery: on Windows the SCM would restart a killed service, with new children.
    const installed = await servicehostCommand(['install', '--name', name, '--no-recovery', ...extraInstallArgs, '--', fixture, toWindowsPath(folder), ...(launcher === undefined ? [] : [toWindowsPath(launcher)])]);
    expect(installed.code, installed.stderr).toBe(0);
    pids = await waitFor('the pid files', () => {
      try {
        const read = pidsOf(folder, kinds);
        return kinds.every((kind) => (read[kind] ?? 0) > 0) ? read : undefined;
      } catch {
        return undefined;
      }
    });
    expect(await alive(pids)).toEqual(Object.fromEntries(kinds.map((kind) => [kind, true])));
    await body(name, pids, folder);
  } finally {
    // Each a Windows Node of its own, and neither needs the other done: side by side.
    await Promise.all([pids ? endAll(pids) : undefined, uninstallQuietly(name).catch(() => {})]);
    if ((await queryService(name)).exists) await sc(['delete', name]);
  }
}

describe.skipIf(!ring.available)('children end with the service', () => {
  test('sc stop: a plain child, a detached child and an orphaned grandchild all end', async () => {
    await withChildren('stop', [], async (name, pids) => {
      const pid = await servicePid(name);
      const stopped = await sc(['stop', name]);
      expect(stopped.code, stopped.output).toBe(0);
      await waitForState(name, 'STOPPED');
      await waitFor('the service process to end', async () => !(await isAlive(pid)) || undefined);
      expect(await waitUntil(pids, { direct: false, detached: false, grandchild: false })).toEqual({ direct: false, detached: false, grandchild: false });
    });
  });

  test('taskkill /F of the service process: its children end too', async () => {
    await withChildren('taskkill', [], async (name, pids) => {
      const pid = await servicePid(name);
      const killed = await runWindows('taskkill', ['/F', '/PID', String(pid)]);
      expect(killed.code, `${killed.stdout}${killed.stderr}`).toBe(0);
      expect(await waitUntil(pids, { direct: false, detached: false, grandchild: false })).toEqual({ direct: false, detached: false, grandchild: false });
    });
  });

  test('--no-kill-children: the detached child and the grandchild outlive the service (Node\'s own job still ends the plain child)', async () => {
    // Wine's services.exe ignores the Environment value that carries the opt-out
    // (test/windows/README.md): under Wine the variable reaches the program
    // through node's --env-file instead, and the value is checked as installed.
    const envFile = path.join(scratchDir('kill-children-env'), 'opt-out.env');
    writeFileSync(envFile, 'SERVICEHOST_KILL_CHILDREN=0\n');
    const viaEnvFile = underWine ? [`--node-arg=--env-file=${toWindowsPath(envFile)}`] : [];
    await withChildren('optout', ['--no-kill-children', ...viaEnvFile], async (name, pids) => {
      const info = await manageOk({ op: 'query', name });
      expect(info.windows.environment).toMatchObject({ SERVICEHOST_KILL_CHILDREN: '0' });
      const pid = await servicePid(name);
      const stopped = await sc(['stop', name]);
      expect(stopped.code, stopped.output).toBe(0);
      await waitForState(name, 'STOPPED');
      await waitFor('the service process to end', async () => !(await isAlive(pid)) || undefined);
      const expected = { direct: false, detached: true, grandchild: true };
      expect(await waitUntil(pids, expected)).toEqual(expected);
      // They stay: a moment later too.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await alive(pids)).toEqual(expected);
    });
  });

  // The job allows breakaway (JOB_OBJECT_LIMIT_BREAKAWAY_OK), so an updater's own
  // launcher can start a process that outlives the service (docs/windows.md).
  // The launcher is built here with mingw-w64, so this runs under Wine only;
  // on Windows the same flag is the system's documented behaviour.
  // Built from the file's start, while the tests before this one wait on Wine (~2 s of compiler otherwise spent here).
  let launcherBuilt: Promise<string> | undefined;
  beforeAll(() => {
    if (!underWine) return;
    const launcher = path.join(scratchDir('kill-children-launcher'), 'breakaway-launcher.exe');
    launcherBuilt = promisify(execFile)('x86_64-w64-mingw32-g++-posix', ['-O2', '-municode', '-static', '-s', path.join(fixturesDir, 'breakaway-launcher.cc'), '-o', launcher]).then(() => launcher);
    // Its error, if any, is the breakaway test's, when it awaits the build.
    launcherBuilt.catch(() => {});
  });

  test.runIf(underWine)('a child started with CREATE_BREAKAWAY_FROM_JOB outlives the service; the rest still end', async () => {
    const launcher = await launcherBuilt!;
    await withChildren('breakaway', [], async (name, pids) => {
      const stopped = await sc(['stop', name]);
      expect(stopped.code, stopped.output).toBe(0);
      await waitForState(name, 'STOPPED');
      const expected = { direct: false, detached: false, grandchild: false, breakaway: true };
      expect(await waitUntil(pids, expected)).toEqual(expected);
    }, launcher);
  });

  // A service host may run the service inside a job of its own: the job then
  // nests (Windows 8 and later, and Wine). A child of Node is in Node's own
  // job (libuv's), so it stands in for such a service here.
  test('a process already in a job joins a nested kill-on-close job', async () => {
    const inner = `const n=require(process.argv[1]).loadNative();console.log(JSON.stringify(n.joinKillOnCloseJob()))`;
    const outer = `const r=require('node:child_process').spawnSync(process.execPath,['-e',process.argv[2],process.argv[1]],{encoding:'utf8'});process.stdout.write(r.stdout+r.stderr)`;
    const run = await runWindows(windowsNodeExe(), ['-e', outer, toWindowsPath(path.join(repoRoot, 'dist', 'native', 'load.js')), inner]);
    expect(JSON.parse(run.stdout.trim()), run.stdout + run.stderr).toEqual({ nested: true, already: false });
  });
});
