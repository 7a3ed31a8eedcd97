// The outside tester's attacks on `install --root` (an offline root) and on
// the least-privilege check, as root with another local user (uid 1000,
// whether or not it has an account here) owning what it should not. Offline
// roots use the real `systemctl --root`; the live-system cases (--root /, the
// environment's files) run in a private mount namespace
// (harness/private-systemd.ts), so the machine's units are never touched.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRunPrivate, privateServicehost } from './harness/private-systemd';
import { answersVersion } from './harness/programs';

const OTHER = 1000;
const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const haveSystemctl = answersVersion('/usr/bin/systemctl');
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && haveSystemctl;

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function servicehost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A root-owned folder, 0755. */
function folder(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  chmodSync(dir, 0o755);
  return dir;
}

/** A root-owned offline root holding /app/server.js (all 0755 / 0644). */
function image(): string {
  const root = folder('servicehost-lpr-');
  mkdirSync(path.join(root, 'app'), { mode: 0o755 });
  writeFileSync(path.join(root, 'app', 'server.js'), '', { mode: 0o644 });
  return root;
}

function units(root: string): string[] {
  const dir = path.join(root, 'etc', 'systemd', 'system');
  return existsSync(dir) ? readdirSync(dir) : [];
}

const install = (root: string, args: string[]) => servicehost(['install', '--name', 'lpr', '--no-start', '--root', root, ...args]);

describe.runIf(canRun)('install --root: least privilege and no write through a link', () => {
  test('a script inside the root that another user can rewrite: refused (exit 10) naming it; root-owned, installed with the runs-as-root warning', async () => {
    const root = image();
    const ok = await install(root, ['--', '/app/server.js']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/runs as root/u);
    await servicehost(['uninstall', '--root', root, 'lpr']);
    const script = path.join(root, 'app', 'server.js');
    chownSync(script, OTHER, OTHER);
    chmodSync(script, 0o777);
    const refused = await install(root, ['--', '/app/server.js']);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${script}: owned by uid ${OTHER}`);
    expect(units(root)).toEqual([]);
  });

  // `..` stops at the root, as in the image: a relative path cannot climb out onto this machine's files and go unchecked.
  test('a relative node-argument file with more .. than the root is deep: the image\'s file is checked, and refused when another user owns it', async () => {
    const root = image();
    mkdirSync(path.join(root, 'opt', 'lpr-conf'), { recursive: true, mode: 0o755 });
    const config = path.join(root, 'opt', 'lpr-conf', 'ssl.cnf');
    writeFileSync(config, '', { mode: 0o644 });
    chownSync(config, OTHER, OTHER);
    const refused = await install(root, ['--node-arg=--openssl-config=../../../../../../../opt/lpr-conf/ssl.cnf', '--', '/app/server.js']);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${config}: owned by uid ${OTHER}`);
    expect(units(root)).toEqual([]);
  });

  test('a script not in the root yet: installed, and the output says it was not checked', async () => {
    const root = image();
    const run = await install(root, ['--', '/srv/later/server.js']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`not there yet in the offline root ${root}, so not checked`);
    expect(run.stderr).toContain('/srv/later/server.js');
  });

  test('a root another user owns (they plant etc -> elsewhere): refused, nothing written through the link', async () => {
    const elsewhere = folder('servicehost-lpr-target-');
    mkdirSync(path.join(elsewhere, 'etc', 'systemd', 'system'), { recursive: true, mode: 0o755 });
    const root = image();
    chownSync(root, OTHER, OTHER);
    symlinkSync(path.join(elsewhere, 'etc'), path.join(root, 'etc'));
    lchownSync(path.join(root, 'etc'), OTHER, OTHER);
    const run = await install(root, ['--', '/app/server.js']);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${root}: owned by uid ${OTHER}`);
    expect(readdirSync(path.join(elsewhere, 'etc', 'systemd', 'system'))).toEqual([]);
  });

  test.each(['etc', 'etc/systemd', 'etc/systemd/system', 'etc/systemd/system/multi-user.target.wants'])('%s a symlink (even root\'s own): refused, nothing written through it', async (linked) => {
    const elsewhere = folder('servicehost-lpr-target-');
    const root = image();
    mkdirSync(path.join(root, path.dirname(linked)), { recursive: true, mode: 0o755 });
    symlinkSync(elsewhere, path.join(root, linked));
    const run = await install(root, ['--', '/app/server.js']);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${path.join(root, linked)}: a symlink`);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  // Not elevated: a root folder the caller cannot write in is the documented exit 5, not a raw EACCES (exit 1).
  test('a caller who cannot make the unit folder under --root: exit 5, ERR_SERVICEHOST_ACCESS_DENIED', async (context) => {
    const nobody = { uid: 65534, gid: 65534 };
    const readable = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(cli)})`], nobody);
    if (readable.status !== 0) {
      console.log(`[linux ring] skipped: uid 65534 cannot read ${cli} (a checkout under a private folder)`);
      context.skip();
    }
    const root = image();
    const run = spawnSync(process.execPath, [cli, 'install', '--name', 'lpr', '--no-start', '--json', '--root', root, '--', '/app/server.js'], { ...nobody, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(5);
    expect(run.stdout + run.stderr).toContain('ERR_SERVICEHOST_ACCESS_DENIED');
    expect(units(root)).toEqual([]);
  });

  test('uninstall through a planted etc/systemd/system link: refused, the unit it leads to stays', async () => {
    const root = image();
    const installed = await install(root, ['--', '/app/server.js']);
    expect(installed.code, installed.stderr).toBe(0);
    const elsewhere = folder('servicehost-lpr-target-');
    renameSync(path.join(root, 'etc', 'systemd', 'system'), path.join(elsewhere, 'system'));
    symlinkSync(path.join(elsewhere, 'system'), path.join(root, 'etc', 'systemd', 'system'));
    const run = await servicehost(['uninstall', '--root', root, 'lpr']);
    expect(run.code, run.stderr).toBe(10);
    expect(readdirSync(path.join(elsewhere, 'system'))).toContain('lpr.service');
  });

  test('a unit folder inside the root that another user owns: exit 10 (ERR_SERVICEHOST_UNSAFE_PATH), not exit 5', async () => {
    const root = image();
    mkdirSync(path.join(root, 'etc', 'systemd', 'system'), { recursive: true, mode: 0o755 });
    chownSync(path.join(root, 'etc', 'systemd'), OTHER, OTHER);
    const run = await install(root, ['--json', '--', '/app/server.js']);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stdout + run.stderr).toContain('ERR_SERVICEHOST_UNSAFE_PATH');
    expect(units(root)).toEqual([]);
  });

  test('--user --root: refused (exit 2), nothing written', async () => {
    const root = image();
    const run = await install(root, ['--user', '--', '/app/server.js']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--user.*--root|--root.*--user/u);
    expect(existsSync(path.join(root, 'etc'))).toBe(false);
  });

  test('a link to / given as the root: refused (exit 2) as --root / is', async () => {
    const base = folder('servicehost-lpr-slash-');
    symlinkSync('/', path.join(base, 'slash'));
    const run = await install(path.join(base, 'slash'), ['--', '/app/server.js']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/live system.*drop --root/u);
  });
});

describe.runIf(canRunPrivate)('the live system: --root / and what the service reads', () => {
  test('--root /: refused (exit 2), nothing written to /etc/systemd/system', async () => {
    const app = folder('servicehost-lpr-app-');
    const script = path.join(app, 'server.js');
    writeFileSync(script, '', { mode: 0o644 });
    chownSync(script, OTHER, OTHER);
    const run = await privateServicehost('install', 'lpr-slash', ['--root', '/', '--', script]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/live system.*drop --root/u);
    expect(run.units).toEqual({});
  });

  /** A root-owned app, and a file and a folder uid 1000 owns outside it. */
  function setup(): { script: string; file: string; dir: string } {
    const app = folder('servicehost-lpr-app-');
    const script = path.join(app, 'server.js');
    writeFileSync(script, '', { mode: 0o644 });
    const theirs = folder('servicehost-lpr-theirs-');
    const file = path.join(theirs, 'thing');
    writeFileSync(file, '', { mode: 0o644 });
    chownSync(file, OTHER, OTHER);
    const dir = path.join(theirs, 'dir');
    mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, OTHER, OTHER);
    return { script, file, dir };
  }

  test.each([
    ['SERVICEHOST_ADDON (the addon a root service loads)', (f: string) => ['--env', `SERVICEHOST_ADDON=${f}`]],
    ['NODE_EXTRA_CA_CERTS', (f: string) => ['--env', `NODE_EXTRA_CA_CERTS=${f}`]],
    ['SSL_CERT_FILE', (f: string) => ['--env', `SSL_CERT_FILE=${f}`]],
    ['OPENSSL_CONF (engines are code)', (f: string) => ['--env', `OPENSSL_CONF=${f}`]],
    ['--openssl-config in NODE_OPTIONS', (f: string) => ['--env', `NODE_OPTIONS=--openssl-config=${f}`]],
    ['--env-file as a node argument', (f: string) => [`--node-arg=--env-file=${f}`]],
  ] as const)('a file another user owns, named by %s: refused (exit 10) naming it', async (_label, args) => {
    const { script, file } = setup();
    const run = await privateServicehost('install', 'lpr-env', [...args(file), '--', script]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${file}: owned by uid ${OTHER}`);
    expect(run.units).toEqual({});
  });

  test.each([
    ['SSL_CERT_DIR', (d: string) => ['--env', `SSL_CERT_DIR=${d}`]],
    ['OPENSSL_MODULES (providers are code)', (d: string) => ['--env', `OPENSSL_MODULES=${d}`]],
    ['NODE_ICU_DATA', (d: string) => ['--env', `NODE_ICU_DATA=${d}`]],
    ['--icu-data-dir', (d: string) => ['--node-arg', `--icu-data-dir=${d}`]],
  ] as const)('a folder another user owns, named by %s: refused (exit 10) naming it', async (_label, args) => {
    const { script, dir } = setup();
    const run = await privateServicehost('install', 'lpr-env', [...args(dir), '--', script]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${dir}: owned by uid ${OTHER}`);
  });

  test("an env file given as a node argument whose NODE_OPTIONS requires another user's file: refused naming that file", async () => {
    const { script, file } = setup();
    const envFile = path.join(path.dirname(script), 'app.env');
    writeFileSync(envFile, `NODE_OPTIONS="--require ${file}"\n`, { mode: 0o644 });
    const run = await privateServicehost('install', 'lpr-env', [`--node-arg=--env-file=${envFile}`, '--', script]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${file}: owned by uid ${OTHER}`);
  });

  test.each([
    ['--node-arg=--inspect=0.0.0.0:9229', ['--node-arg=--inspect=0.0.0.0:9229']],
    ['--node-arg --inspect-brk', ['--node-arg', '--inspect-brk']],
    ['--node-arg --inspect-wait', ['--node-arg', '--inspect-wait']],
    ['NODE_OPTIONS=--inspect', ['--env', 'NODE_OPTIONS=--inspect']],
    ['NODE_OPTIONS=--inspect-port=9230', ['--env', 'NODE_OPTIONS=--inspect-port=9230']],
  ] as const)('the inspector (%s) lets any local user run code as root: refused (exit 10); --allow-writable accepts it', async (_label, args) => {
    const { script } = setup();
    const run = await privateServicehost('install', 'lpr-inspect', [...args, '--', script]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toMatch(/inspector/u);
    expect(run.units).toEqual({});
    const accepted = await privateServicehost('install', 'lpr-inspect', ['--allow-writable', ...args, '--', script]);
    expect(accepted.code, accepted.stderr).toBe(0);
  });
});
