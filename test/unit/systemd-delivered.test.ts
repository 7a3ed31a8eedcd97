// Issue 23, offline: the unit follows the target's systemd (Type=notify-reload
// from 253, the ExecReload= helper before), env files and credentials reach the
// unit (EnvironmentFile=, LoadCredential=) or node's --env-file, and what a
// platform or a version cannot do is refused with a message that says so.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { credentialsOf, installSpecOf } from '../../lib/cli/install-spec';
import { parseCommandLine } from '../../lib/cli/args';
import { checkCredentialName, credential, credentialAsync } from '../../lib/hosts/systemd/credentials';
import { notifyAccessProblem } from '../../lib/hosts/systemd/notify-access';
import { renderSystemdUnit, specForSystemd } from '../../lib/manage/systemd/unit';
import { offlineRootSystemdVersion, parseSystemctlVersion } from '../../lib/manage/systemd/systemd-version';
import { programArguments, runPaths } from '../../lib/manage/spec';
import { pinnedSpec } from '../helpers/specs';
import { checkEnvFileNode } from '../../lib/manage/delivered-files';
import { installLaunchdService } from '../../lib/manage/launchd/launchd-manager';

const context = { version: '0.0.0-test' };
const scratch = mkdtempSync(path.join(tmpdir(), 'servicehost-delivered-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('which systemd the unit is written for', () => {
  test('systemctl --version and an offline root name the version', () => {
    expect(parseSystemctlVersion('systemd 257 (257.13-1~deb13u1)\n+PAM +AUDIT\n')).toBe(257);
    expect(parseSystemctlVersion('systemd 252 (252.39-1~deb12u2)\n')).toBe(252);
    expect(parseSystemctlVersion('recorded: --version\n')).toBeUndefined();
    const root = path.join(scratch, 'root');
    expect(offlineRootSystemdVersion(root)).toBeUndefined();
    mkdirSync(path.join(root, 'usr/lib/x86_64-linux-gnu/systemd'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-257.so'), '');
    writeFileSync(path.join(root, 'usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so'), '');
    expect(offlineRootSystemdVersion(root)).toBe(257);
    const fedora = path.join(scratch, 'fedora');
    mkdirSync(path.join(fedora, 'usr/lib64/systemd'), { recursive: true });
    writeFileSync(path.join(fedora, 'usr/lib64/systemd/libsystemd-shared-255.5-1.fc40.so'), '');
    expect(offlineRootSystemdVersion(fedora)).toBe(255);
  });

  test.each([
    [252, 'notify', true],
    [253, 'notify-reload', false],
    [257, 'notify-reload', false],
    [undefined, 'notify', true],
  ] as const)('systemd %s: Type=%s, ExecReload= helper %s', (version, type, helper) => {
    const unit = renderSystemdUnit(specForSystemd(pinnedSpec({ name: 'api', script: '/srv/api/server.js' }), version), context);
    expect(unit).toContain(`\nType=${type}\n`);
    expect(unit.includes('ExecReload=')).toBe(helper);
    expect(unit.includes('Environment=SERVICEHOST_RELOAD_ACK=1')).toBe(helper);
    expect(unit.includes('Environment=SERVICEHOST_NOTIFY_RELOAD=1')).toBe(!helper);
  });

  test('a type asked for is kept; notify-reload on 252 and credentials on 249 are refused', () => {
    const asked = specForSystemd(pinnedSpec({ name: 'api', script: '/srv/api/server.js', systemd: { type: 'notify' } }), 257);
    expect(renderSystemdUnit(asked, context)).toContain('ExecReload=');
    expect(() => specForSystemd(pinnedSpec({ name: 'api', script: '/srv/api/server.js', systemd: { type: 'notify-reload' } }), 252)).toThrow(/needs systemd 253 or later; the target runs systemd 252/u);
    expect(() => specForSystemd(pinnedSpec({ name: 'api', script: '/srv/api/server.js', credentials: { token: '/etc/api/token' } }), 249)).toThrow(/needs systemd 250/u);
  });
});

describe('env files and credentials in the spec', () => {
  test('systemd: EnvironmentFile= and LoadCredential=, checked as run paths', () => {
    const spec = pinnedSpec({ name: 'api', script: '/srv/api/server.js', envFiles: ['/etc/api/env', '/etc/api/100% env'], credentials: { 'db.password': '/etc/api/db pass', token: '/etc/api/token' } });
    const unit = renderSystemdUnit(specForSystemd(spec, 257), context);
    expect(unit).toContain('\nEnvironmentFile=/etc/api/env\nEnvironmentFile=/etc/api/100%% env\n');
    expect(unit).toContain('\nLoadCredential=db.password:/etc/api/db pass\nLoadCredential=token:/etc/api/token\n');
    expect(programArguments(spec).some((word) => word.startsWith('--env-file'))).toBe(false);
    expect(runPaths(spec)).toEqual(expect.arrayContaining(['/etc/api/env', '/etc/api/100% env', '/etc/api/db pass', '/etc/api/token']));
  });

  test.each(['windows', 'launchd'] as const)('%s: node --env-file before the node arguments; --credential refused with what to use instead', (platform) => {
    const spec = pinnedSpec({ name: 'api', script: '/srv/api/server.js', envFiles: ['/etc/api/env'], nodeArgs: ['--max-old-space-size=64'] }, platform);
    expect(programArguments(spec).slice(0, 2)).toEqual(['--env-file=/etc/api/env', '--max-old-space-size=64']);
    expect(runPaths(spec)).toContain('/etc/api/env');
    expect(() => pinnedSpec({ name: 'api', script: '/srv/api/server.js', credentials: { token: '/etc/api/token' } }, platform)).toThrow(/--credential \(spec\.credentials\) is systemd's LoadCredential=/u);
  });

  test('an older Node is refused for --env-file off systemd, asked without blocking the event loop', async () => {
    const old = path.join(scratch, 'old-node');
    // As slow to answer as a cold node: the loop must turn meanwhile.
    writeFileSync(old, '#!/bin/sh\nsleep 0.3\necho v18.19.0\n', { mode: 0o755 });
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 20);
    try {
      await expect(checkEnvFileNode({ envFiles: ['/etc/api/env'], node: old })).rejects.toThrow(/needs Node 20\.6 or later.*v18\.19/u);
    } finally {
      clearInterval(ticker);
    }
    expect(ticks).toBeGreaterThan(3);
    await expect(checkEnvFileNode({ envFiles: [], node: old })).resolves.toEqual([]);
    await expect(checkEnvFileNode({ envFiles: ['/etc/api/env'], node: process.execPath })).resolves.toEqual([]);
    // The launchd install asks it before writing anything.
    const directory = path.join(scratch, 'agents');
    await expect(installLaunchdService({ name: 'api', script: '/srv/api/server.js', envFiles: ['/etc/api/env'], node: old, register: false, launchd: { directory } })).rejects.toThrow(/needs Node 20\.6 or later/u);
  });

  test('another machine\'s node (a Windows --host install) is not run here: a warning says what to check there', async () => {
    const old = path.join(scratch, 'never-run');
    writeFileSync(old, `#!/bin/sh\ntouch ${JSON.stringify(path.join(scratch, 'ran'))}\necho v18.0.0\n`, { mode: 0o755 });
    await expect(checkEnvFileNode({ envFiles: ['C:\\api\\app.env'], node: old }, 'server1')).resolves.toEqual([expect.stringMatching(/^server1: --env-file \(spec\.envFiles\) needs Node 20\.6 or later there.*was not asked its version/u)]);
    expect(existsSync(path.join(scratch, 'ran'))).toBe(false);
  });

  test('bad credential names are refused, at install and when read', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a..b', '-x', 'a:b', 'a b', 'x'.repeat(256), 'é']) {
      expect(() => checkCredentialName(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(() => pinnedSpec({ name: 'api', script: '/srv/api/server.js', credentials: { [bad]: '/etc/x' } }), bad).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    expect(checkCredentialName('db.password')).toBe('db.password');
  });

  test('the command line: --environment-file and --credential NAME:path, repeated', () => {
    const specs = { name: { kind: 'string' }, 'environment-file': { kind: 'list' }, credential: { kind: 'list' } } as const;
    const parsed = parseCommandLine(['install', '--name', 'api', '--environment-file', 'a.env', '--environment-file=b.env', '--credential', 'token:/etc/t', '--credential', 'db:/etc/d:x', '--', 'server.js'], () => specs as never);
    const spec = installSpecOf(parsed);
    expect(spec.envFiles).toEqual(['a.env', 'b.env']);
    expect(spec.credentials).toEqual({ token: '/etc/t', db: '/etc/d:x' });
    for (const bad of ['token', ':/etc/t', 'token:']) expect(() => credentialsOf([bad])).toThrow(/--credential expects NAME:path/u);
    expect(() => credentialsOf(['a:/x', 'a:/y'])).toThrow(/given twice/u);
  });
});

describe('credential(name)', () => {
  test('reads $CREDENTIALS_DIRECTORY/NAME; absent is ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND', async () => {
    const directory = path.join(scratch, 'credentials');
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'token'), 's3cret\n');
    const env = { CREDENTIALS_DIRECTORY: directory };
    expect(credential('token', env)).toBe('s3cret\n');
    await expect(credentialAsync('token', env)).resolves.toBe('s3cret\n');
    expect(() => credential('other', env)).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND', message: expect.stringContaining('--credential other:<file>') }));
    await expect(credentialAsync('other', env)).rejects.toMatchObject({ code: 'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND' });
    expect(() => credential('token', {})).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND', message: expect.stringContaining('CREDENTIALS_DIRECTORY is not set') }));
    expect(() => credential('../token', env)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    await expect(credentialAsync('a/b', env)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});

describe('NotifyAccess=main and the process that sends', () => {
  test('a process other than the one systemd started is told that its notifications are dropped', () => {
    expect(notifyAccessProblem({ SYSTEMD_EXEC_PID: '100' }, 100)).toBeUndefined();
    expect(notifyAccessProblem({}, 100)).toBeUndefined();
    expect(notifyAccessProblem({ SYSTEMD_EXEC_PID: '99' }, 100)).toMatch(/PID 100\) is not the one systemd started \(SYSTEMD_EXEC_PID=99\).*NotifyAccess=main/u);
  });
});
