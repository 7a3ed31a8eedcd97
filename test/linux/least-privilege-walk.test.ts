// The five ways around the least-privilege check that a second review found,
// each tried as root through `servicehost install` with real files, a real
// local user (useradd) owning what it should not, and real ACLs (setfacl).
// Each install runs in a private mount namespace (unshare -m,
// fixtures/private-systemd.js): /etc/systemd/system is a tmpfs there and
// systemctl a recording stand-in, so nothing of the host is touched.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configureLaunchdService, installLaunchdService } from '../../lib/manage/launchd/launchd-manager';
import { fixturesDir } from './harness/child';
import { canRunPrivate, privateServicehost, type PrivateRun } from './harness/private-systemd';

const SETFACL = '/usr/bin/setfacl';
const canRun = canRunPrivate && existsSync('/usr/sbin/useradd');

// Unique names, removed in afterAll whatever happens.
const suffix = `${process.pid % 100000}${Math.floor(Math.random() * 1000)}`;
const user = `shlpu${suffix}`;
const emptyGroup = `shlpg${suffix}`;
let uid = -1;
let gid = -1;
let emptyGid = -1;
const made: string[] = [];

beforeAll(() => {
  if (!canRun) return;
  execFileSync('/usr/sbin/useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', user]);
  execFileSync('/usr/sbin/groupadd', [emptyGroup]);
  uid = Number(execFileSync('/usr/bin/id', ['-u', user], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('/usr/bin/id', ['-g', user], { encoding: 'utf8' }).trim());
  emptyGid = Number(readFileSync('/etc/group', 'utf8').split('\n').find((line) => line.startsWith(`${emptyGroup}:`))!.split(':')[2]);
});

afterAll(() => {
  for (const file of made) rmSync(file, { recursive: true, force: true });
  if (!canRun) return;
  execFileSync('/usr/sbin/userdel', [user], { stdio: 'ignore' });
  execFileSync('/usr/sbin/groupdel', [emptyGroup], { stdio: 'ignore' });
});

/** A root-owned app: <base>/app/app.js, every folder 0755. */
function app(): { base: string; app: string; script: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpw-'));
  made.push(base);
  chmodSync(base, 0o755);
  const folder = path.join(base, 'app');
  mkdirSync(folder, { mode: 0o755 });
  const script = path.join(folder, 'app.js');
  writeFileSync(script, "require('./lib/helper');\n", { mode: 0o644 });
  mkdirSync(path.join(folder, 'lib'), { mode: 0o755 });
  writeFileSync(path.join(folder, 'lib', 'helper.js'), '', { mode: 0o644 });
  return { base, app: folder, script };
}

/** A file the local user owns. */
function userFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, '', { mode: 0o644 });
  chownSync(file, uid, gid);
  return file;
}

type Run = PrivateRun;

const name = `servicehost-lpw-${process.pid}`;
const servicehost = (verb: 'install' | 'configure', args: string[], seed: Record<string, string> = {}) => privateServicehost(verb, name, args, seed);
const install = (args: string[]) => servicehost('install', args);

function expectRefused(run: Run, line: string | RegExp): void {
  expect(run.code, run.stderr).toBe(10);
  expect(run.stderr).toContain('Refusing to install');
  if (typeof line === 'string') expect(run.stderr).toContain(line);
  else expect(run.stderr).toMatch(line);
  expect(run.units).toEqual({});
}

describe.runIf(canRun)('the least-privilege check, as root through servicehost install', () => {
  test('a clean root-owned tree installs (the control for every refusal below)', async () => {
    const { script } = app();
    const run = await install(['--', script]);
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(run.units)).toHaveLength(1);
  });

  describe('1: the code below a root-owned script', () => {
    test("a module the script requires (./lib/helper.js), owned by a user: refused", async () => {
      const { app: folder, script } = app();
      chownSync(path.join(folder, 'lib', 'helper.js'), uid, gid);
      expectRefused(await install(['--', script]), `${folder}/lib/helper.js: owned by uid ${uid}`);
    });

    test('a package in its node_modules, owned by a user: refused', async () => {
      const { app: folder, script } = app();
      mkdirSync(path.join(folder, 'node_modules'), { mode: 0o755 });
      userFile(path.join(folder, 'node_modules', 'dep', 'index.js'));
      chownSync(path.join(folder, 'node_modules', 'dep'), uid, gid);
      expectRefused(await install(['--', script]), `${folder}/node_modules/dep: owned by uid ${uid}`);
    });

    test('a file in the working directory (--cwd), owned by a user: refused', async () => {
      const { base, script } = app();
      const data = userFile(path.join(base, 'data', 'config.js'));
      chmodSync(path.join(base, 'data'), 0o755);
      expectRefused(await install(['--cwd', path.join(base, 'data'), '--', script]), `${data}: owned by uid ${uid}`);
    });
  });

  describe('2: preloads named by node arguments or NODE_OPTIONS', () => {
    test('--node-arg=--require=<user file>: refused', async () => {
      const { base, script } = app();
      const preload = userFile(path.join(base, 'tools', 'pre.js'));
      expectRefused(await install([`--node-arg=--require=${preload}`, '--', script]), `${preload}: owned by uid ${uid}`);
    });

    test('--node-arg --import --node-arg <user file> (the two-word form): refused', async () => {
      const { base, script } = app();
      const preload = userFile(path.join(base, 'tools', 'pre.mjs'));
      expectRefused(await install(['--node-arg', '--import', '--node-arg', preload, '--', script]), `${preload}: owned by uid ${uid}`);
    });

    test('--env NODE_OPTIONS="--require <user file>": refused', async () => {
      const { base, script } = app();
      const preload = userFile(path.join(base, 'tools', 'env-pre.js'));
      expectRefused(await install(['--env', `NODE_OPTIONS=--require ${preload}`, '--', script]), `${preload}: owned by uid ${uid}`);
    });

    test('a relative --env-file resolves from the working directory: a user-owned one is refused', async () => {
      const { app: folder, script } = app();
      const envFile = path.join(folder, '.env');
      userFile(envFile);
      expectRefused(await install(['--node-arg=--env-file=.env', '--', script]), `${envFile}: owned by uid ${uid}`);
    });
  });

  describe('3: symlinks on the way to what runs', () => {
    test('a user-owned link (in sticky /tmp) to a safe script, given with --cwd <safe dir>: refused', async () => {
      const { app: folder, script } = app();
      const link = path.join(os.tmpdir(), `servicehost-lpw-link-${suffix}.js`);
      made.push(link);
      symlinkSync(script, link);
      lchownSync(link, uid, gid);
      expectRefused(await install(['--cwd', folder, '--', link]), `${link}: owned by uid ${uid}`);
    });

    test('a link through a folder the user owns: refused, though its target is safe', async () => {
      const { base, app: folder, script } = app();
      const home = path.join(base, 'home');
      mkdirSync(home, { mode: 0o755 });
      chownSync(home, uid, gid);
      const link = path.join(home, 'app.js');
      symlinkSync(script, link);
      expectRefused(await install(['--cwd', folder, '--', link]), `${home}: owned by uid ${uid}`);
    });

    test('a root-owned link in a root-owned folder (a deploy\'s "current" link) installs, and the unit keeps the link path', async () => {
      const { base, app: folder } = app();
      const current = path.join(base, 'current');
      symlinkSync(folder, current);
      const run = await install(['--', path.join(current, 'app.js')]);
      expect(run.code, run.stderr).toBe(0);
      expect(Object.values(run.units)[0]).toContain(`${current}/app.js`);
    });
  });

  describe.runIf(existsSync(SETFACL))('4: POSIX ACLs and groups', () => {
    test('a root-owned folder whose ACL lets a user write: refused', async () => {
      const { app: folder, script } = app();
      execFileSync(SETFACL, ['-m', `u:${user}:rwx`, folder]);
      expectRefused(await install(['--', script]), `${folder}: its ACL lets uid ${uid} write`);
    });

    test('a default ACL that gives a user write to new files: refused', async () => {
      const { app: folder, script } = app();
      execFileSync(SETFACL, ['-d', '-m', `u:${user}:rwx`, path.join(folder, 'lib')]);
      expectRefused(await install(['--', script]), `${folder}/lib: its default ACL lets uid ${uid} write what is made in it`);
    });

    test('an ACL that names a group holding a user: refused', async () => {
      const { app: folder, script } = app();
      execFileSync(SETFACL, ['-m', `g:${user}:rw`, path.join(folder, 'lib', 'helper.js')]);
      expectRefused(await install(['--', script]), `${folder}/lib/helper.js: its ACL lets group ${user} (${gid}), which holds ${user} write`);
    });
  });

  describe('4: group-writable folders', () => {
    test("a group-writable folder whose group is a user's own: refused", async () => {
      const { app: folder, script } = app();
      chownSync(folder, 0, gid);
      chmodSync(folder, 0o775);
      expectRefused(await install(['--', script]), `${folder}: writable by group ${user} (${gid}), which holds ${user}`);
    });

    test('a group-writable folder whose group holds no user: installs', async () => {
      const { app: folder, script } = app();
      chownSync(folder, 0, emptyGid);
      chmodSync(folder, 0o775);
      const run = await install(['--', script]);
      expect(run.code, run.stderr).toBe(0);
    });
  });
});

describe.runIf(canRun)('5: every verb that writes a service definition runs the check', () => {
  test('systemd: servicehost configure to a script a user owns is refused (exit 10), the unit left as it was', async () => {
    const { base, script } = app();
    const installed = await install(['--', script]);
    expect(installed.code, installed.stderr).toBe(0);
    const unsafe = userFile(path.join(base, 'other', 'app.js'));
    const refused = await servicehost('configure', ['--', unsafe], installed.units);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${unsafe}: owned by uid ${uid}`);
    expect(refused.units).toEqual(installed.units);
  });
});

describe.runIf(canRun)('5: launchd configure runs the check, as install does', () => {
  test('configure of a daemon to a script a user owns is refused, and the plist is left as it was', async () => {
    const { base, script } = app();
    const directory = path.join(base, 'LaunchDaemons');
    mkdirSync(directory, { mode: 0o755 });
    const commands = { launchctl: path.join(fixturesDir, 'fake-manager-command.js') };
    // Output into the test's folder: a daemon's default is /Library/Logs.
    const launchd = { directory, stdoutPath: path.join(base, 'out.log'), stderrPath: path.join(base, 'out.log') };
    const installed = await installLaunchdService({ name: 'com.example.lpw', script, launchd, commands });
    const before = readFileSync(installed.path!, 'utf8');
    const unsafe = userFile(path.join(base, 'other', 'app.js'));
    await expect(configureLaunchdService({ name: 'com.example.lpw', script: unsafe, launchd, commands })).rejects.toMatchObject({ code: 'ERR_SERVICEHOST_UNSAFE_PATH' });
    expect(readFileSync(installed.path!, 'utf8')).toBe(before);
  });
});
