// Outside tester 2, F6: `servicehost install --run-as <user>` (or
// --dynamic-user) of an app only root can enter installed with exit 0 and no
// word; the unit then failed at every start with "Cannot find module", and
// under --root (nothing starts) nothing ever said so. Now the account must
// reach what the service opens, by its modes, groups and POSIX ACLs, or the
// install is refused (exit 10, ERR_SERVICEHOST_UNREADABLE_PATH; no override).
// And --allow-writable says each path it let through. As root, through the
// real CLI, into offline roots (the image's own /etc/passwd and /etc/group):
// nothing is started, no systemd is booted.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { answersVersion } from './harness/programs';
import { tempFolders } from '../helpers/temp-folders';

const APP_UID = 1000;
const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && answersVersion('/usr/bin/systemctl');
const haveSetfacl = existsSync('/usr/bin/setfacl');
const folders = tempFolders('servicehost-lpread-', 0o755);

function servicehost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** An offline root with the accounts cloudsdk (1000, also in group web) and nobody, and /srv/app/server.js: root's, the folder `mode`. */
function image(mode: number): { root: string; app: string } {
  const root = folders.make();
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'etc', 'passwd'), `root:x:0:0::/root:/bin/sh\ncloudsdk:x:${APP_UID}:${APP_UID}::/home/cloudsdk:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n`);
  writeFileSync(path.join(root, 'etc', 'group'), `root:x:0:\ncloudsdk:x:${APP_UID}:\nweb:x:33:cloudsdk\nstaff:x:50:\nnogroup:x:65534:\n`);
  const app = path.join(root, 'srv', 'app');
  mkdirSync(app, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(app, 'server.js'), '', { mode: 0o644 });
  chmodSync(app, mode);
  return { root, app };
}

const units = (root: string): string[] => {
  const dir = path.join(root, 'etc', 'systemd', 'system');
  return existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.service')) : [];
};
const install = (root: string, args: string[]) => servicehost(['install', '--name', 'lpread', '--no-start', '--root', root, ...args, '--', '/srv/app/server.js']);

describe.runIf(canRun)('install: the service\'s account must reach what it runs', () => {
  test('root\'s 0700 app, --run-as cloudsdk: refused (exit 10) naming the account, the script, the folder and the fix; nothing written', async () => {
    const { root, app } = image(0o700);
    const refused = await install(root, ['--run-as', 'cloudsdk']);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain('it would run as cloudsdk, who cannot reach what the service opens');
    expect(refused.stderr).toContain(`${path.join(app, 'server.js')}, at ${app} (owner uid 0, group 0, mode 0700): cloudsdk may not search it (x)`);
    expect(refused.stderr).toMatch(/chmod o\+x/u);
    expect(units(root)).toEqual([]);
    const json = await install(root, ['--run-as', 'cloudsdk', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'ERR_SERVICEHOST_UNREADABLE_PATH' } });
    // As root (the default), the same app installs: root reaches everything.
    const asRoot = await install(root, []);
    expect(asRoot.code, asRoot.stderr).toBe(0);
  });

  test('--dynamic-user: only what everyone may do counts; 0711 folder with a 0600 script is refused for the read, 0644 installs', async () => {
    const { root, app } = image(0o700);
    const closed = await install(root, ['--dynamic-user']);
    expect(closed.code, closed.stderr).toBe(10);
    expect(closed.stderr).toContain('a dynamic user (its uid is made at start, so only what everyone may do counts)');
    chmodSync(app, 0o711);
    chmodSync(path.join(app, 'server.js'), 0o600);
    const unreadable = await install(root, ['--dynamic-user']);
    expect(unreadable.code, unreadable.stderr).toBe(10);
    expect(unreadable.stderr).toContain(`${path.join(app, 'server.js')} (owner uid 0, group 0, mode 0600): a dynamic user may not read it (r)`);
    chmodSync(path.join(app, 'server.js'), 0o644);
    const ok = await install(root, ['--dynamic-user']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(units(root)).toEqual(['lpread.service']);
  });

  test('through a group: a 0750 folder whose group lists cloudsdk lets it in; one whose group does not, refuses', async () => {
    const { root, app } = image(0o750);
    chownSync(app, 0, 50);
    const refused = await install(root, ['--run-as', 'cloudsdk']);
    expect(refused.code, refused.stderr).toBe(10);
    chownSync(app, 0, 33);
    const ok = await install(root, ['--run-as', 'cloudsdk']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  test.runIf(haveSetfacl)('through a POSIX ACL: setfacl u:1000:x on the 0700 folder lets cloudsdk in, and only it', async () => {
    const { root, app } = image(0o700);
    expect(spawnSync('/usr/bin/setfacl', ['-m', `u:${APP_UID}:x`, app]).status).toBe(0);
    const ok = await install(root, ['--run-as', 'cloudsdk']);
    expect(ok.code, ok.stderr).toBe(0);
    await servicehost(['uninstall', '--root', root, 'lpread']);
    const other = await install(root, ['--run-as', 'nobody']);
    expect(other.code, other.stderr).toBe(10);
  });

  test('cloudsdk\'s own 0700 app: installs for cloudsdk; for nobody it is refused as unreadable even with --allow-writable, which overrides the writable findings only', async () => {
    const { root, app } = image(0o700);
    chownSync(app, APP_UID, APP_UID);
    chownSync(path.join(app, 'server.js'), APP_UID, APP_UID);
    const own = await install(root, ['--run-as', 'cloudsdk']);
    expect(own.code, own.stderr).toBe(0);
    await servicehost(['uninstall', '--root', root, 'lpread']);
    const other = await install(root, ['--run-as', 'nobody', '--allow-writable', '--json']);
    expect(other.code, other.stdout).toBe(10);
    expect(JSON.parse(other.stdout)).toMatchObject({ error: { code: 'ERR_SERVICEHOST_UNREADABLE_PATH', message: expect.stringContaining(`at ${app} (owner uid ${APP_UID}, group ${APP_UID}, mode 0700): nobody may not search it (x)`) } });
  });

  test('--allow-writable says each path it let through (a warning each, in --json too)', async () => {
    const { root, app } = image(0o755);
    chownSync(app, APP_UID, APP_UID);
    chownSync(path.join(app, 'server.js'), APP_UID, APP_UID);
    const accepted = await install(root, ['--run-as', 'nobody', '--allow-writable', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const warnings = (JSON.parse(accepted.stdout) as { warnings: string[] }).warnings;
    expect(warnings).toEqual(expect.arrayContaining([
      `accepted with --allow-writable (allowWritable): ${app}: owned by uid ${APP_UID}`,
      `accepted with --allow-writable (allowWritable): ${path.join(app, 'server.js')}: owned by uid ${APP_UID}`,
    ]));
  });
});
