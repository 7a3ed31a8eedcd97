// Least privilege: a system service must not run files another user can
// change. The check reads the real file system: modes and owners of each path
// the service runs and of every folder above it. The installs run in a
// private mount namespace (unshare -m), so the host's units are never touched.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writableByOthers } from '../../lib/manage/writable-paths';
import { canRunPrivate, privateServicehost } from './harness/private-systemd';


const privateInstall = (name: string, args: string[]) => privateServicehost('install', name, args);

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function tree(): { root: string; app: string; script: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lp-'));
  made.push(root);
  chmodSync(root, 0o755);
  const app = path.join(root, 'app');
  mkdirSync(app, { mode: 0o755 });
  const script = path.join(app, 'server.js');
  writeFileSync(script, '', { mode: 0o644 });
  return { root, app, script };
}

describe.runIf(process.platform === 'linux')('what a service runs, and who else can change it', () => {
  test('a clean tree owned by root: nothing to report', () => {
    const { script } = tree();
    if (process.getuid?.() !== 0) return;
    expect(writableByOthers([script, process.execPath], [])).toEqual([]);
  });

  test('a folder anyone can write, a script another user owns: each named with the reason', () => {
    const { app, script } = tree();
    chmodSync(app, 0o777);
    const findings = writableByOthers([script], []);
    expect(findings).toContainEqual({ path: app, why: 'writable by everyone' });
    if (process.getuid?.() === 0) {
      chmodSync(app, 0o755);
      chownSync(script, 65534, 65534);
      expect(writableByOthers([script], [])).toEqual([{ path: script, why: 'owned by uid 65534' }]);
      // The service's own account may own its files.
      expect(writableByOthers([script], [65534])).toEqual([]);
    }
  });

  test('the sticky /tmp above does not count: nobody may replace what another put there', () => {
    const { script } = tree();
    expect(writableByOthers([script], []).map((finding) => finding.path)).not.toContain(os.tmpdir());
  });

  test.runIf(canRunPrivate)('servicehost install refuses a system unit running a script another user can rewrite: exit 10, nothing written; --allow-writable accepts it', async () => {
    const { app, script } = tree();
    chownSync(app, 65534, 65534);
    const name = `servicehost-lp-${process.pid}`;
    const refused = await privateInstall(name, ['--', script]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${app}: owned by uid 65534`);
    expect(refused.units).toEqual({});
    expect(refused.systemctl).toEqual([]);
    const accepted = await privateInstall(name, ['--allow-writable', '--', script]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(Object.keys(accepted.units)).toEqual([`${name}.service`]);
    expect(accepted.stderr).toMatch(/runs as root: --run-as <user>/u);
  });

  test.runIf(canRunPrivate)('the unit\'s ExecReload= helper is checked as ExecStart\'s files are: a writable folder under the app\'s own servicehost refuses the install', async () => {
    const { app, script } = tree();
    // The app's own copy of servicehost, whose register the unit preloads and whose reload helper ExecReload= runs.
    const copy = path.join(app, 'node_modules', 'servicehost');
    mkdirSync(path.join(copy, 'dist', 'hosts', 'systemd'), { recursive: true, mode: 0o755 });
    for (const folder of [path.join(app, 'node_modules'), copy, path.join(copy, 'dist'), path.join(copy, 'dist', 'hosts')]) chmodSync(folder, 0o755);
    writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: 'servicehost', exports: { './register': './dist/register.js' } }), { mode: 0o644 });
    writeFileSync(path.join(copy, 'dist', 'register.js'), '', { mode: 0o644 });
    const helperFolder = path.join(copy, 'dist', 'hosts', 'systemd');
    writeFileSync(path.join(helperFolder, 'reload-wait.js'), '', { mode: 0o644 });
    chmodSync(helperFolder, 0o777);
    const refused = await privateInstall(`servicehost-lp-reload-${process.pid}`, ['--', script]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${helperFolder}: writable by everyone`);
    expect(refused.units).toEqual({});
  });
});

