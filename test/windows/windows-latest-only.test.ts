// What Wine cannot do, proven on windows-latest against the real system.
// Each test names why Wine cannot run it; test/windows/README.md lists them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, runWindows, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { fixturesDir, readLines, scratchDir, startAndWaitRunning, stopAndWaitStopped, uniqueServiceName, waitFor, withService } from './harness/service';
import { manage, manageOk } from './harness/manage';
import { createTestUser, deleteTestUser } from './harness/test-user';

const execFileAsync = promisify(execFile);
const ring = inject('windowsRing');

describe.skipIf(!ring.available)('Windows behaviours Wine lacks', () => {
  // Wine's services.exe ignores the Environment value, knows no NT SERVICE\ accounts and keeps no folder DACL.
  test.runIf(isNativeWindows)("[windows-latest only: Wine ignores the Environment value and keeps no folder ACL] an installed service's output lands in its log folder, whose ACL lets its virtual account write and Users only read", async () => {
    const name = uniqueServiceName('capture-acl');
    const marker = path.join(scratchDir('capture-acl'), 'marker.log');
    const logDir = path.join(process.env.ProgramData ?? 'C:\\ProgramData', 'servicehost', name, 'logs');
    try {
      await manageOk({ op: 'install', spec: { name, script: path.join(fixturesDir, 'output-service.js'), args: [marker, 'serve'] } });
      await waitFor('the running line in output.log', () => readLines(path.join(logDir, 'output.log')).includes('capture fixture: running as a service'), 30_000);
      const dacl = String(await manageOk({ op: 'native', fn: 'fileDacl', args: [logDir] }));
      expect(dacl).toMatch(/^D:PAI/u);
      for (const ace of ['(A;OICI;FA;;;SY)', '(A;OICI;FA;;;BA)', '(A;OICI;0x1200a9;;;BU)']) expect(dacl).toContain(ace);
      expect(dacl).toMatch(/\(A;OICI;0x1301bf;;;S-1-5-80-[\d-]+\)/u);
      expect(await manageOk({ op: 'native', fn: 'fileWriters', args: [logDir] })).toEqual([]);
    } finally {
      await manage([{ op: 'uninstall', name, options: { removeLogs: true } }]);
    }
  });

  // Wine's ReportEventW is a stub: it returns TRUE and stores nothing to read back.
  test.runIf(isNativeWindows)('[windows-latest only: Wine\'s ReportEventW stores nothing] Event Log entries are written under the source and read back', async () => {
    const source = `servicehost-test-${process.pid}`;
    const marker = `servicehost event log test ${Date.now()}`;
    const script = `const { EventLogWriter } = require(process.argv[1]); const log = new EventLogWriter(process.argv[2]); log.info(process.argv[3] + ' info'); log.warn(process.argv[3] + ' warning'); log.error(process.argv[3] + ' error');`;
    const written = await runWindows(windowsNodeExe(), ['-e', script, path.resolve('dist', 'windows.js'), source, marker]);
    expect(written.stderr).toBe('');
    const { stdout } = await execFileAsync('wevtutil', ['qe', 'Application', `/q:*[System[Provider[@Name='${source}']]]`, '/f:text', '/c:10']);
    for (const level of ['info', 'warning', 'error']) expect(stdout).toContain(`${marker} ${level}`);
    expect(stdout).toMatch(/Level:\s+Error/);
    expect(stdout).toMatch(/Level:\s+Warning/);
  });

  // Under Wine, GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT) fails with 6 and nothing is delivered.
  test('Ctrl-Break reaches the console handler and stops the program (under Wine: refused, with the typed Win32 error)', async () => {
    const log = path.join(scratchDir('ctrlbreak'), 'console.log');
    const result = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'console-app.js')), toWindowsPath(log), 'ctrl-break'], { timeoutMs: 30_000 });
    const records = readLines(log).map((line) => JSON.parse(line) as Record<string, unknown>);
    if (isNativeWindows) {
      expect(records).toContainEqual({ event: 'stop', reason: 'console', detail: 'ctrl-break' });
      expect(result.code).toBe(0);
    } else {
      expect(records).toContainEqual({ event: 'raise-failed', code: expect.stringMatching(/^ERROR_INVALID_(HANDLE|ACCESS)$/) });
      expect(result.code).toBe(4);
    }
  });

  // Under Wine, ControlService(16) → 87 and a clock change never reaches services.
  test.runIf(isNativeWindows)('[windows-latest only: Wine never sends TIMECHANGE] a system time change reaches a service that accepts it, with the new and old time', async () => {
    await withService('timechange', { script: 'control-service.js', args: [JSON.stringify({ acceptedControls: ['timechange'] })] }, async (service) => {
      await startAndWaitRunning(service.name);
      await waitFor('the service to run', () => readLines(service.log).some((line) => line.includes('"running"')));
      await execFileAsync('powershell', ['-NoProfile', '-Command', 'Set-Date -Date (Get-Date).AddSeconds(1) | Out-Null']);
      await waitFor('the time change', () => readLines(service.log).some((line) => line.includes('"timechange"')), 15_000);
      const change = service.records().find((record) => record.name === 'timechange');
      expect(typeof change?.newTime).toBe('number');
      expect(typeof change?.oldTime).toBe('number');
      await stopAndWaitStopped(service.name);
    });
  });

  // The SCM sends SHUTDOWN and PRESHUTDOWN only while Windows shuts down, and power
  // and session events only on real power and logon changes: no CI machine can be
  // made to do that and keep running the test. What can run everywhere: the real
  // HandlerEx with SCM-shaped payloads (controls.test.ts, "payloads ..."), and the
  // accept flags the real SCM keeps, checked here.
  test.runIf(isNativeWindows)('[windows-latest only: Wine\'s sc.exe cannot show accept flags] the real SCM keeps the accept flags for shutdown (sc query shows ACCEPTS_SHUTDOWN)', async () => {
    await withService('accepts', { script: 'control-service.js', args: [JSON.stringify({ acceptedControls: ['preshutdown'] })] }, async (service) => {
      await startAndWaitRunning(service.name);
      const { output } = await sc(['query', service.name]);
      expect(output).toMatch(/STOPPABLE/);
      expect(output).toMatch(/PAUSABLE/);
      expect(output).toMatch(/ACCEPTS_SHUTDOWN|ACCEPTS_PRESHUTDOWN/);
      await stopAndWaitStopped(service.name);
    });
  });

  // Wine never prompts, and a CI runner is elevated with no one to decline. A
  // standard user under ConsentPromptBehaviorUser=0 is denied automatically,
  // which ShellExecuteExW reports as ERROR_CANCELLED (1223): that run is still to be written.
  test.todo('[windows-latest only: no UAC prompt under Wine] a declined elevation rejects with ERR_SERVICEHOST_ELEVATION_CANCELLED and changes nothing');

  // Wine's LsaAddAccountRights stores nothing and its SCM never logs on as the
  // account (logon-right.test.ts asserts what Wine does): the real grant, a
  // start as the user, and a right held before the install are proven here.
  test.runIf(isNativeWindows)('[windows-latest only: Wine stores no account rights] a user account granted SeServiceLogonRight by install runs the service, uninstall revokes the grant, and a right held before stays', async () => {
    const user = await createTestUser();
    const granted = uniqueServiceName('logon-real');
    const held = uniqueServiceName('logon-held');
    const dir = scratchDir('logon-real');
    const rightsOf = async () => (await manageOk({ op: 'native', fn: 'getAccountRights', args: [user.account] })).rights as string[];
    try {
      // The service writes its record here as the user.
      await execFileAsync('icacls', [dir, '/grant', `${user.name}:(OI)(CI)M`]);
      const script = toWindowsPath(path.join(fixturesDir, 'argv-service.js'));
      const account = { user: user.account, password: user.password };
      const installed = await manageOk({ op: 'install', spec: { name: granted, script, args: [toWindowsPath(path.join(dir, 'argv.log'))], windows: { account, recovery: false } } });
      expect(installed).toMatchObject({ started: true, grantedRights: [{ account: user.account, right: 'SeServiceLogonRight' }] });
      expect((await manageOk({ op: 'query', name: granted })).state).toBe('running');
      expect(await rightsOf()).toContain('SeServiceLogonRight');
      await manageOk({ op: 'uninstall', name: granted });
      expect(await rightsOf()).not.toContain('SeServiceLogonRight');

      await manageOk({ op: 'native', fn: 'grantAccountRights', args: [user.account, ['SeServiceLogonRight']] });
      const second = await manageOk({ op: 'install', spec: { name: held, script, start: false, windows: { account } } });
      expect(second.grantedRights).toEqual([]);
      await manageOk({ op: 'uninstall', name: held });
      expect(await rightsOf()).toContain('SeServiceLogonRight');
    } finally {
      await manage([{ op: 'uninstall', name: granted }, { op: 'uninstall', name: held }, { op: 'native', fn: 'revokeAccountRights', args: [user.account, ['SeServiceLogonRight']] }]);
      await deleteTestUser(user);
    }
  });
});
