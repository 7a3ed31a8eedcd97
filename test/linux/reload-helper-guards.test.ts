// The reload helper (dist/hosts/systemd/reload-wait.js) and the program's half
// (reload-ack.ts) against what an attacker with a local account, or a wrong
// invocation, hands them: real processes, real signals, a real unrelated
// process that must survive, real links planted where the handshake writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { RELOAD_FILES } from '../../lib/lifecycle/installed-environment';
import { ReloadAcknowledger } from '../../lib/hosts/systemd/reload-ack';

const helper = path.resolve(__dirname, '..', '..', 'dist', 'hosts', 'systemd', 'reload-wait.js');
const isRoot = process.getuid?.() === 0;
// An account with no files of its own here: nobody.
const NOBODY = 65534;

// Run last first: a victim is killed and reaped before its cgroup is removed.
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch {
      // already gone
    }
  }
});

/** A runtime folder as systemd makes it (0700), owned by `uid`, optionally with the accepts file. */
function runtimeFolder(options: { uid?: number; accepts?: boolean; mode?: number } = {}): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'servicehost-guard-'));
  cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
  chmodSync(parent, 0o755);
  const directory = path.join(parent, 'servicehost-app');
  mkdirSync(directory, { mode: 0o700 });
  if (options.accepts) writeFileSync(path.join(directory, RELOAD_FILES.accepts), '');
  if (options.uid !== undefined) chownSync(directory, options.uid, options.uid);
  if (options.mode !== undefined) chmodSync(directory, options.mode);
  return directory;
}

/** A real process that SIGHUP ends (Node's default), as an unrelated program of the same user. */
function victim(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (stillRunning(child)) child.kill('SIGKILL');
    await exited;
  });
  return child;
}

function runHelper(pid: string, env: NodeJS.ProcessEnv, uid?: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [helper, pid], { env: { PATH: process.env.PATH, ...env }, ...(uid === undefined ? {} : { uid, gid: uid }) });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stillRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Moves `pid` into a fresh cgroup of a hierarchy the helper compares; false where this machine does not allow it. */
function moveToOtherCgroup(pid: number): boolean {
  for (const hierarchy of ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    const group = path.join(hierarchy, `servicehost-guard-${process.pid}-${pid}`);
    try {
      mkdirSync(group);
    } catch {
      continue;
    }
    // A real cgroup goes with rmdir once empty; a plain folder on a tmpfs needs its file removed first.
    cleanups.unshift(() => (existsSync(path.join(group, 'cgroup.controllers')) || existsSync(path.join(group, 'tasks')) ? rmdirSync(group) : rmSync(group, { recursive: true, force: true })));
    try {
      writeFileSync(path.join(group, 'cgroup.procs'), String(pid));
    } catch {
      continue;
    }
    // A tmpfs at /sys/fs/cgroup (cgroup v1) takes the mkdir and the write as plain files: moved only if the kernel says so.
    if (readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(path.basename(group))) return true;
  }
  return false;
}

describe.runIf(process.platform === 'linux')('the reload helper refuses', () => {
  test('a PID that is not plain decimal, or out of range: 1e3, 0x10, +5, 05, " 5", 1, 4194305', async () => {
    const directory = runtimeFolder({ accepts: true });
    for (const pid of ['1e3', '0x10', '+5', '05', ' 5', '1', '4194305', '']) {
      const result = await runHelper(pid, { RUNTIME_DIRECTORY: directory });
      expect(result.code, pid).toBe(1);
      expect(result.stderr, pid).toMatch(/^servicehost reload: expected the service's main PID \(decimal, 2 to 4194304\), got /u);
    }
  });

  test.runIf(isRoot)('a process outside its own cgroup: the unrelated process survives (skipped where no cgroup can be made)', async (context) => {
    const other = victim();
    if (!moveToOtherCgroup(other.pid!)) return context.skip();
    const result = await runHelper(String(other.pid), { RUNTIME_DIRECTORY: runtimeFolder({ accepts: true }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`process ${other.pid} is not in this unit's cgroup .*: it is not the unit's main process, and is not signalled`, 'u'));
    await sleep(300);
    expect(stillRunning(other)).toBe(true);
  });

  test.runIf(isRoot)('a process of another user (EPERM): one clear line, exit 1, no stack', async () => {
    const other = victim();
    const result = await runHelper(String(other.pid), { RUNTIME_DIRECTORY: runtimeFolder({ uid: NOBODY, accepts: true }) }, NOBODY);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`servicehost reload: cannot signal the program (pid ${other.pid}): not permitted (EPERM): it runs as another user than this helper\n`);
    expect(stillRunning(other)).toBe(true);
  });

  test.runIf(isRoot)('a runtime folder it cannot look in (EACCES) is said as such, not as "does not listen"', async () => {
    const other = victim();
    const result = await runHelper(String(other.pid), { RUNTIME_DIRECTORY: runtimeFolder({ uid: NOBODY, accepts: true, mode: 0o000 }) }, NOBODY);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^servicehost reload: cannot look in the unit's runtime folder .* \(EACCES: permission denied/u);
    expect(result.stderr).not.toContain("does not listen for 'reload'");
  });

  test.runIf(isRoot)("a runtime folder of another user, a shared one, or a link to one: refused before anything is written or signalled", async () => {
    const other = victim();
    const rootsOwn = runtimeFolder({ accepts: true });
    const asNobody = await runHelper(String(other.pid), { RUNTIME_DIRECTORY: rootsOwn }, NOBODY);
    expect(asNobody).toEqual({ code: 1, stderr: `servicehost reload: the unit's runtime folder cannot be trusted: ${rootsOwn} belongs to uid 0, not to this process's user (uid ${NOBODY})\n` });
    const shared = runtimeFolder({ accepts: true, mode: 0o1777 });
    expect((await runHelper(String(other.pid), { RUNTIME_DIRECTORY: shared })).stderr).toContain('can be written by its group or by others (mode 1777)');
    const link = path.join(path.dirname(rootsOwn), 'link');
    symlinkSync(rootsOwn, link);
    expect((await runHelper(String(other.pid), { RUNTIME_DIRECTORY: link })).stderr).toContain(`${link} is a symbolic link`);
    expect(existsSync(path.join(shared, RELOAD_FILES.request))).toBe(false);
    expect(stillRunning(other)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('the program\'s half writes through no link', () => {
  test('links planted at every name it writes: the files they point at keep their content', () => {
    const directory = runtimeFolder();
    const precious = path.join(path.dirname(directory), 'precious');
    writeFileSync(precious, 'precious');
    for (const name of [RELOAD_FILES.accepts, `${RELOAD_FILES.ack}.tmp`, RELOAD_FILES.request]) symlinkSync(precious, path.join(directory, name));
    const warnings: string[] = [];
    const ack = ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: directory }, (message) => warnings.push(message))!;
    ack.accept(true);
    expect(warnings.join('\n')).toMatch(/reload handshake in .* failed \(ELOOP/u);
    // The request is a link: not read, so this reload answers nobody.
    ack.begin();
    ack.settled(true);
    expect(existsSync(path.join(directory, RELOAD_FILES.ack))).toBe(false);
    writeFileSync(path.join(directory, 'real-request'), 'nonce-1');
    // A planted link at the ack's own name is replaced, not written through.
    symlinkSync(precious, path.join(directory, RELOAD_FILES.ack));
    const request = path.join(directory, RELOAD_FILES.request);
    writeFileSync(`${request}.new`, 'nonce-1');
    require('node:fs').renameSync(`${request}.new`, request);
    ack.begin();
    ack.settled(true);
    expect(readFileSync(precious, 'utf8')).toBe('precious');
    expect(lstatSync(path.join(directory, RELOAD_FILES.ack)).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(directory, RELOAD_FILES.ack), 'utf8')).toBe('nonce-1 ok');
  });

  test('a folder others can write (a shared /tmp-like one): a warning, nothing written', () => {
    const shared = runtimeFolder({ mode: 0o1777 });
    const warnings: string[] = [];
    const ack = ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: shared }, (message) => warnings.push(message))!;
    ack.accept(true);
    expect(existsSync(path.join(shared, RELOAD_FILES.accepts))).toBe(false);
    expect(warnings).toEqual([expect.stringContaining(`${shared} can be written by its group or by others (mode 1777)`)]);
  });
});
