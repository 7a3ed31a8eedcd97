// --account DOMAIN\user grants the account SeServiceLogonRight when it lacks
// it (as services.msc does), says so, records it under the service's key, and
// uninstall revokes what it granted (issue 20). Under Wine, LsaAddAccountRights
// returns success and stores nothing, and LsaEnumerateAccountRights always
// answers "no rights": servicehost grants, reports and records, but nothing can
// be read back. On windows-latest a local user is made for the test and the
// right is read back; the right an account already had is kept
// (windows-latest-only.test.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { isNativeWindows, repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manage, manageOk, uninstallQuietly } from './harness/manage';
import { fixturesDir, uniqueServiceName } from './harness/service';
import { createTestUser, deleteTestUser, type TestUser } from './harness/test-user';

const ring = inject('windowsRing');
const underWine = !isNativeWindows;
const LOGON_RIGHT = 'SeServiceLogonRight';

describe.skipIf(!ring.available)('the "log on as a service" right', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser();
  });
  afterAll(async () => {
    if (user) await deleteTestUser(user);
  });

  test('install --account .\\user grants SeServiceLogonRight and says so; the grant is recorded; uninstall revokes it', async () => {
    const name = uniqueServiceName('logon-right');
    try {
      const before = await manageOk({ op: 'native', fn: 'getAccountRights', args: [user.account] });
      expect(before.rights).not.toContain(LOGON_RIGHT);
      const installed = await runWindows(
        windowsNodeExe(),
        [toWindowsPath(path.join(repoRoot, 'dist', 'cli.js')), 'install', '--name', name, '--no-start', '--account', user.account, '--', toWindowsPath(path.join(fixturesDir, 'argv-service.js'))],
        { timeoutMs: 120_000, env: { SERVICEHOST_ACCOUNT_PASSWORD: user.password } },
      );
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout).toContain(`Granted ${user.account} the right to log on as a service (${LOGON_RIGHT}); uninstall revokes it.`);
      const [recorded, after] = await manage([
        { op: 'native', fn: 'scmGetServiceValue', args: [name, 'ServicehostGrantedLogonRight'] },
        { op: 'native', fn: 'getAccountRights', args: [user.account] },
      ]);
      expect(recorded).toEqual({ ok: true, value: before.sid });
      // Wine's LsaAddAccountRights stores nothing: the right never reads back.
      if (underWine) expect(after).toEqual({ ok: true, value: { sid: before.sid, rights: [] } });
      else expect(after).toMatchObject({ ok: true, value: { rights: expect.arrayContaining([LOGON_RIGHT]) } });

      const [removed, afterUninstall] = await manage([
        { op: 'uninstall', name },
        { op: 'native', fn: 'getAccountRights', args: [user.account] },
      ]);
      expect(removed!.ok).toBe(true);
      expect(afterUninstall).toMatchObject({ ok: true });
      if (afterUninstall?.ok) expect(afterUninstall.value.rights).not.toContain(LOGON_RIGHT);
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('a built-in account is granted nothing: grantedRights is empty', async () => {
    const name = uniqueServiceName('logon-builtin');
    try {
      const result = await manageOk({ op: 'install', spec: { name, script: toWindowsPath(path.join(fixturesDir, 'argv-service.js')), start: false, windows: { account: 'LocalService' } } });
      expect(result.grantedRights).toEqual([]);
      const [recorded] = await manage([{ op: 'native', fn: 'scmGetServiceValue', args: [name, 'ServicehostGrantedLogonRight'] }]);
      expect(recorded).toMatchObject({ ok: true, value: null });
    } finally {
      await uninstallQuietly(name);
    }
  });
});
