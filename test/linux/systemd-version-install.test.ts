// install writes the unit for the systemd it targets (issue 23): an offline
// --root by the version in its libsystemd-shared-<N>.so, the running system by
// `systemctl --version` (here a stand-in that answers as 252 or 257 would).
// Nothing here starts systemd: --root runs the machine's systemctl offline.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function scratch(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'servicehost-sdver-'));
  made.push(folder);
  return folder;
}

function servicehost(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

const script = path.join(fixturesDir, 'lifecycle-service.js');

describe.runIf(process.platform === 'linux')('the unit follows the target systemd', () => {
  test.each([
    [252, 'notify', true],
    [257, 'notify-reload', false],
  ] as const)('an offline root with systemd %i: Type=%s, ExecReload= helper %s', async (version, type, helper) => {
    const root = scratch();
    mkdirSync(path.join(root, 'usr/lib/x86_64-linux-gnu/systemd'), { recursive: true });
    writeFileSync(path.join(root, `usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-${version}.so`), '');
    const run = await servicehost(['install', '--name', 'api', '--root', root, '--', script]);
    expect(run.code, run.stderr).toBe(0);
    const unit = readFileSync(path.join(root, 'etc/systemd/system/api.service'), 'utf8');
    expect(unit).toContain(`\nType=${type}\n`);
    expect(unit.includes('ExecReload=')).toBe(helper);
  });

  test.each([
    ['systemd 257 (257.13-1~deb13u1)', 'notify-reload'],
    ['systemd 252 (252.39-1~deb12u2)', 'notify'],
    ['', 'notify'],
  ] as const)('a running system whose systemctl --version says %j: Type=%s', async (answer, type) => {
    const dir = scratch();
    // A stand-in systemctl: answers --version, records the rest (started by its #! line, no shell).
    const fake = path.join(dir, 'systemctl');
    writeFileSync(fake, `#!${process.execPath}\nif (process.argv.includes('--version')) process.stdout.write(${JSON.stringify(`${answer}\n+PAM\n`)});\n`);
    chmodSync(fake, 0o755);
    const run = await servicehost(['install', '--name', 'api', '--user', '--no-start', '--systemctl', fake, '--', script], { XDG_CONFIG_HOME: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'systemd/user/api.service'), 'utf8')).toContain(`\nType=${type}\n`);
  });

  test('systemd.type notify-reload on a 252 root is refused', async () => {
    const root = scratch();
    mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/systemd/libsystemd-shared-252.so'), '');
    const { install } = await import('../../dist/manage.js');
    await expect(install({ name: 'api', script, systemd: { root, type: 'notify-reload' } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('needs systemd 253 or later') });
  });
});
