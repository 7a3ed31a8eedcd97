// servicehost/manage against a real Service Control Manager: Wine's on Linux,
// the real one on windows-latest. Every option is written through the native
// manager API and read back through query() and through sc's own qc,
// qdescription and qfailure (under Wine, whose sc.exe lacks them, the test
// controller prints the same layout). Where Wine drops or refuses a setting,
// the test asserts what Wine does (see test/windows/README.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, queryService, runWindows, scQuery, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { hostileStrings } from '../helpers/hostile-strings';
import { manage, manageOk, uninstallQuietly, type Outcome } from './harness/manage';
import { createService, fixturesDir, readLines, removeService, scratchDir, uniqueServiceName, waitFor } from './harness/service';

const ring = inject('windowsRing');
const underWine = !isNativeWindows;
const argvService = toWindowsPath(path.join(fixturesDir, 'argv-service.js'));

function failure(outcome: Outcome | undefined): { code: string; systemCode?: string; errno?: number; syscall?: string; message: string } {
  if (!outcome || outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

async function withInstalled(label: string, spec: Record<string, unknown>, body: (name: string, installed: any) => Promise<void>): Promise<void> {
  const name = uniqueServiceName(label);
  try {
    const installed = await manageOk({ op: 'install', spec: { name, script: argvService, start: false, ...spec } });
    await body(name, installed);
  } finally {
    await uninstallQuietly(name);
  }
}

describe.skipIf(!ring.available)('servicehost/manage under the SCM', () => {
  test('install with every option, read back through query() and sc qc / qdescription / qfailure', async () => {
    const log = path.join(scratchDir('manage-every'), 'argv.log');
    const spec = {
      displayName: 'servicehost manage ü',
      description: 'Manages things, 100% (ü)',
      args: [toWindowsPath(log), 'two words', 'say "hi"', 'C:\\dir with space\\'],
      env: { SERVICEHOST_TEST_VARIABLE: 'v=1 ü' },
      stopTimeoutMs: 7000,
      windows: { startType: 'manual', account: 'LocalService', dependencies: ['RpcSs'], preshutdownTimeoutMs: 12_345 },
    };
    await withInstalled('every', spec, async (name, installed) => {
      expect(installed).toMatchObject({ name, platform: 'windows', started: false });
      // The default recovery asks for "also on non-zero exits", a level Wine refuses: skipped with a warning, not fatal.
      expect(installed.warnings).toEqual(underWine ? [expect.stringMatching(/^failureActionsOnNonCrash: not supported here \(ERROR_INVALID_LEVEL\)/u)] : []);

      const info = await manageOk({ op: 'query', name });
      expect(info).toMatchObject({
        name,
        platform: 'windows',
        displayName: 'servicehost manage ü',
        description: 'Manages things, 100% (ü)',
        state: 'stopped',
        enabled: false,
        account: 'NT AUTHORITY\\LocalService',
        workingDirectory: toWindowsPath(fixturesDir),
      });
      expect(info.exitCode).toBeUndefined();
      expect(info.argv.slice(1)).toEqual(['--require', toWindowsPath(path.join(fixturesDir, '..', '..', '..', 'dist', 'register.js')), argvService, ...spec.args]);
      expect(info.windows).toMatchObject({
        startType: 'manual',
        preshutdownTimeoutMs: 12_345,
        environment: { SERVICEHOST_TEST_VARIABLE: 'v=1 ü', SERVICEHOST_WORKING_DIRECTORY: toWindowsPath(fixturesDir) },
        eventLogMessageFile: '%SystemRoot%\\System32\\EventCreate.exe',
      });
      // Wine stores dependencies but reports none; it stores no failure actions at all.
      expect(info.dependencies).toEqual(underWine ? [] : ['RpcSs']);
      if (underWine) {
        expect(info.windows.unavailable).toMatchObject({ failureActions: 'ERROR_INVALID_LEVEL', failureActionsOnNonCrash: 'ERROR_INVALID_LEVEL' });
      } else {
        expect(info.windows.recovery).toEqual({
          resetPeriodSec: 86_400,
          command: '',
          rebootMessage: '',
          actions: [
            { type: 'restart', delayMs: 1000 },
            { type: 'restart', delayMs: 5000 },
            { type: 'restart', delayMs: 30_000 },
          ],
        });
        expect(info.windows.failureActionsOnNonCrash).toBe(true);
      }

      const qc = await scQuery('qc', name);
      expect(qc.code, qc.output).toBe(0);
      expect(qc.output).toMatch(/START_TYPE\s+: 3\s+DEMAND_START/u);
      expect(qc.output).toContain(`BINARY_PATH_NAME   : ${info.windows.imagePath}`);
      expect(qc.output).toMatch(/SERVICE_START_NAME : NT AUTHORITY\\LocalService/u);
      expect(qc.output).toContain('DISPLAY_NAME       : servicehost manage');
      const description = await scQuery('qdescription', name);
      expect(description.output).toContain('Manages things, 100%');
      const failureActions = await scQuery('qfailure', name);
      if (underWine) expect(failureActions.code).toBe(124);
      else expect(failureActions.output).toMatch(/RESTART -- Delay = 1000 milliseconds/u);
    });
  });

  test('configure changes every basic setting of an installed service (ChangeServiceConfigW), read back', async () => {
    const log = toWindowsPath(path.join(scratchDir('manage-configure'), 'argv.log'));
    await withInstalled(
      'configure',
      { displayName: 'before', description: 'before', args: [log, 'x'], env: { V: '1' }, windows: { startType: 'manual', account: 'LocalService' } },
      async (name) => {
        const [configured, info, missing, reconfigured, cleared] = await manage([
          {
            op: 'configure',
            spec: {
              name,
              script: argvService,
              displayName: 'after ü',
              description: 'after',
              args: [log, 'y z'],
              env: { V: '2' },
              windows: { startType: 'disabled', account: 'NetworkService', recovery: false, eventLogSource: false },
            },
          },
          { op: 'query', name },
          { op: 'configure', spec: { name: `${name}-missing`, script: argvService } },
          // What a spec leaves out goes back to the default: here, no description.
          { op: 'configure', spec: { name, script: argvService, windows: { startType: 'manual' } } },
          { op: 'query', name },
        ]);
        expect(configured).toMatchObject({ ok: true, value: { name, started: false } });
        expect(info).toMatchObject({
          ok: true,
          value: {
            displayName: 'after ü',
            description: 'after',
            account: 'NT AUTHORITY\\NetworkService',
            enabled: false,
            windows: { startType: 'disabled', environment: { V: '2' } },
          },
        });
        const value = (info as { value: any }).value;
        expect(value.argv.slice(-2)).toEqual([log, 'y z']);
        expect(value.windows.eventLogMessageFile).toBeUndefined();
        expect(failure(missing)).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', syscall: 'OpenServiceW' });
        expect(reconfigured!.ok, JSON.stringify(reconfigured)).toBe(true);
        expect(cleared).toMatchObject({ ok: true, value: { description: '', displayName: name, account: `NT SERVICE\\${name}`, windows: { startType: 'manual' } } });
        // The last configure set manual; the first one's disabled is read back by query() above.
        const qc = await scQuery('qc', name);
        expect(qc.output).toMatch(/START_TYPE\s+: 3\s+DEMAND_START/u);
      },
    );
  });

  test('settings Wine does not keep: refused with a typed error carrying its code, and nothing is left behind', async () => {
    const requests: Array<[string, Record<string, unknown>, string]> = [
      ['delayed', { startType: 'delayed-auto' }, 'SERVICE_CONFIG_DELAYED_AUTO_START_INFO'],
      ['sid', { sidType: 'restricted' }, 'SERVICE_CONFIG_SERVICE_SID_INFO'],
      ['privileges', { requiredPrivileges: ['SeChangeNotifyPrivilege'] }, 'SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO'],
      ['noncrash', { recovery: { actions: [{ type: 'restart', delayMs: 2000 }], onNonCrashFailures: true } }, 'SERVICE_CONFIG_FAILURE_ACTIONS_FLAG'],
    ];
    for (const [label, windows, level] of requests) {
      const name = uniqueServiceName(label);
      const [installed, queried] = await manage([
        { op: 'install', spec: { name, script: argvService, start: false, windows } },
        { op: 'query', name },
        { op: 'uninstall', name },
      ]);
      if (underWine) {
        expect(failure(installed)).toMatchObject({ code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: `ChangeServiceConfig2W(${level})` });
        expect(failure(queried).code).toBe('ERR_SERVICEHOST_SERVICE_NOT_FOUND');
      } else {
        expect(installed!.ok, JSON.stringify(installed)).toBe(true);
        const windowsInfo = (queried as { value: any }).value.windows;
        if (label === 'delayed') expect(windowsInfo.startType).toBe('delayed-auto');
        if (label === 'sid') expect(windowsInfo.sidType).toBe('restricted');
        if (label === 'privileges') expect(windowsInfo.requiredPrivileges).toEqual(['SeChangeNotifyPrivilege']);
        if (label === 'noncrash') expect(windowsInfo).toMatchObject({ failureActionsOnNonCrash: true, recovery: { actions: [{ type: 'restart', delayMs: 2000 }] } });
      }
    }
  });

  test('start, status and stop through the API; uninstall leaves nothing behind', async () => {
    const log = path.join(scratchDir('manage-run'), 'argv.log');
    const name = uniqueServiceName('run');
    try {
      const [installed, running, controlled, stopped, stoppedInfo] = await manage([
        { op: 'install', spec: { name, script: argvService, args: [toWindowsPath(log)], env: { SERVICEHOST_TEST_VARIABLE: 'from the registry' } } },
        { op: 'query', name },
        // The stop goes through ControlServiceExW where it exists, bound at run time.
        { op: 'native', fn: 'scmControlService', args: [name, 1, 'test stop'] },
        { op: 'stop', name },
        { op: 'query', name },
      ]);
      expect(installed).toMatchObject({ ok: true, value: { started: true } });
      expect(running).toMatchObject({ ok: true, value: { state: 'running', pid: expect.any(Number) } });
      expect(controlled).toMatchObject({ ok: true, value: { via: underWine ? 'ControlService' : 'ControlServiceExW' } });
      expect(stopped!.ok, JSON.stringify(stopped)).toBe(true);
      expect(stoppedInfo).toMatchObject({ ok: true, value: { state: 'stopped', exitCode: 0 } });
      const [record] = readLines(log).map((line) => JSON.parse(line) as { cwd: string; variable: string | null; execArgv: string[] });
      expect(record!.execArgv).toEqual(['--require', expect.stringMatching(/register\.js$/u)]);
      // The SCM merges the Environment value into the service's environment, and
      // servicehost/register moves to the working directory from it. Wine's
      // services.exe ignores the value: the read-back above shows it stored.
      expect(record!.variable).toBe(underWine ? null : 'from the registry');
      // (Wine starts services in C:\windows or C:\windows\system32, seen to differ between prefixes.)
      if (underWine) expect(record!.cwd.toLowerCase()).toMatch(/^c:\\windows(\\system32)?$/u);
      else expect(record!.cwd.toLowerCase()).toBe(toWindowsPath(fixturesDir).toLowerCase());
    } finally {
      await uninstallQuietly(name);
    }
    const [gone, list, source] = await manage([
      { op: 'query', name },
      { op: 'list', pattern: `^${name}$` },
      { op: 'native', fn: 'getEventLogSource', args: [name] },
    ]);
    expect(failure(gone)).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', errno: 1060 });
    expect(list).toEqual({ ok: true, value: [] });
    expect(source).toEqual({ ok: true, value: null });
    const key = await runWindows('reg', ['query', `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`]);
    expect(key.code).not.toBe(0);
  });

  test('property: the argv the running service receives equals what was installed', async () => {
    const strings = [...hostileStrings(24, 29)].filter((text) => !/%[^%]+%/u.test(text));
    const groups = [strings.slice(0, 12), strings.slice(12)];
    for (const [index, args] of groups.entries()) {
      const log = path.join(scratchDir(`manage-argv-${index}`), 'argv.log');
      await withInstalled(`argv${index}`, { args: [toWindowsPath(log), ...args], start: true }, async (name) => {
        await waitFor('the argv record', () => existsSync(log) && readFileSync(log, 'utf8').includes('\n'));
        const [record] = readLines(log).map((line) => JSON.parse(line) as { args: string[] });
        expect(record!.args).toEqual(args);
        const info = await manageOk({ op: 'query', name });
        expect(info.argv.slice(5)).toEqual(args);
      });
    }
  });

  test('recovery: a non-zero exit restarts the service on Windows; Wine keeps no failure actions, so it stays stopped', async () => {
    const log = path.join(scratchDir('manage-recovery'), 'argv.log');
    const recovery = { actions: [{ type: 'restart', delayMs: 500 }], resetPeriodSec: 60 };
    await withInstalled('recovery', { args: [toWindowsPath(log), '--fail-after-start'], start: false, windows: { recovery } }, async (name) => {
      const [started] = await manage([{ op: 'start', name }]);
      expect(started!.ok, JSON.stringify(started)).toBe(true);
      if (underWine) {
        await waitFor('the planned failure', async () => (await manageOk({ op: 'query', name })).state === 'stopped');
        await new Promise((resolve) => setTimeout(resolve, 3000));
        expect(readLines(log)).toHaveLength(1);
        expect(await manageOk({ op: 'query', name })).toMatchObject({ state: 'stopped', exitCode: 76 });
      } else {
        await waitFor('a restart by the SCM', () => readLines(log).length >= 2 || undefined, 30_000);
      }
    });
  });

  test('a %NAME% pair is refused, within one argument or across two: the SCM would expand it', async () => {
    const outcomes = await manage([
      { op: 'install', spec: { name: uniqueServiceName('percent'), script: argvService, args: ['%SystemRoot%'] } },
      // Quoted as "%Program" "Files%": the command line holds %Program Files%.
      { op: 'install', spec: { name: uniqueServiceName('percent2'), script: argvService, args: ['%Program', 'Files%'] } },
    ]);
    expect(failure(outcomes[0])).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('%SystemRoot%') });
    expect(failure(outcomes[1])).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('%Program Files%') });
  });

  test("a service servicehost did not install: configure and uninstall refuse it, --force acts on it; a foreign Event Log source is neither taken over nor removed", async () => {
    const name = uniqueServiceName('foreign');
    await createService(name, windowsNodeExe(), [argvService]);
    try {
      const outcomes = await manage([
        { op: 'native', fn: 'setEventLogSource', args: [name, 'C:\\foreign.dll', 'someone else'] },
        { op: 'configure', spec: { name, script: argvService } },
        { op: 'uninstall', name },
        { op: 'configure', spec: { name, script: argvService, force: true } },
        { op: 'native', fn: 'getEventLogSource', args: [name] },
        { op: 'uninstall', name, options: { force: true } },
        { op: 'native', fn: 'getEventLogSource', args: [name] },
        { op: 'native', fn: 'removeEventLogSource', args: [name, 'someone else'] },
      ]);
      expect(failure(outcomes[1])).toMatchObject({ code: 'ERR_SERVICEHOST_COMMAND_FAILED', message: expect.stringMatching(/servicehost did not install it/u) });
      expect(failure(outcomes[2])).toMatchObject({ code: 'ERR_SERVICEHOST_COMMAND_FAILED', message: expect.stringMatching(/--force/u) });
      expect(outcomes[3]).toMatchObject({ ok: true, value: { warnings: expect.arrayContaining([expect.stringMatching(/Event Log source .* servicehost did not register it/u)]) } });
      expect(outcomes[4]).toEqual({ ok: true, value: { messageFile: 'C:\\foreign.dll', owner: 'someone else' } });
      expect(outcomes[5]!.ok).toBe(true);
      expect(outcomes[6]).toEqual({ ok: true, value: { messageFile: 'C:\\foreign.dll', owner: 'someone else' } });
      expect((await queryService(name)).exists).toBe(false);
    } finally {
      await removeService(name);
    }
  });

  test('least privilege: fileWriters names who may change a path; under Wine everything is owned by the one Wine user, the installer, so installs proceed', async () => {
    const outcomes = await manage([
      { op: 'native', fn: 'fileWriters', args: [argvService] },
      { op: 'native', fn: 'fileWriters', args: ['C:\\windows'] },
      { op: 'native', fn: 'fileWriters', args: ['C:\\no\\such\\file'] },
    ]);
    expect(outcomes[0]).toEqual({ ok: true, value: [] });
    expect(outcomes[1]).toEqual({ ok: true, value: [] });
    expect(failure(outcomes[2])).toMatchObject({ code: expect.stringMatching(/^ERROR_(FILE|PATH)_NOT_FOUND$/u), syscall: 'GetNamedSecurityInfoW' });
  });

  test('typed errors: exists, not found, invalid name, marked for deletion', async () => {
    const log = path.join(scratchDir('manage-errors'), 'argv.log');
    const name = uniqueServiceName('errors');
    try {
      const outcomes = await manage([
        { op: 'install', spec: { name, script: argvService, args: [toWindowsPath(log)] } },
        { op: 'install', spec: { name, script: argvService } },
        { op: 'install', spec: { name: '', script: argvService } },
        { op: 'install', spec: { name: 'a/b', script: argvService } },
        { op: 'start', name: `${name}-missing` },
        // Deleting a running service only marks it; a new one of that name is refused until it stops.
        { op: 'native', fn: 'scmDeleteService', args: [name] },
        { op: 'install', spec: { name, script: argvService } },
        { op: 'stop', name },
        { op: 'query', name },
      ]);
      expect(outcomes[0]!.ok).toBe(true);
      expect(failure(outcomes[1])).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_EXISTS', systemCode: 'ERROR_SERVICE_EXISTS', errno: 1073, syscall: 'CreateServiceW' });
      expect(failure(outcomes[2]).code).toBe('ERR_SERVICEHOST_INVALID_SERVICE_NAME');
      expect(failure(outcomes[3]).code).toBe('ERR_SERVICEHOST_INVALID_SERVICE_NAME');
      expect(failure(outcomes[4])).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', errno: 1060 });
      expect(outcomes[5]!.ok).toBe(true);
      expect(failure(outcomes[6])).toMatchObject({ code: 'ERR_SERVICEHOST_MARKED_FOR_DELETE', errno: 1072 });
      expect(outcomes[7]!.ok).toBe(true);
      expect(failure(outcomes[8]).code).toBe('ERR_SERVICEHOST_SERVICE_NOT_FOUND');
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('an account that does not exist: refused by Windows; Wine stores any account and runs the service as itself', async () => {
    const name = uniqueServiceName('account');
    try {
      const [installed, started] = await manage([
        { op: 'install', spec: { name, script: argvService, start: false, windows: { account: { user: '.\\nosuchuser', password: 'x' } } } },
        // No log argument: the program's start fails, and the SCM shows the exit code's name.
        { op: 'start', name, options: { timeoutMs: 20_000 } },
      ]);
      if (underWine) {
        expect(installed!.ok).toBe(true);
        expect(failure(started)).toMatchObject({ code: 'ERR_SERVICEHOST_START_FAILED', message: expect.stringContaining('exit code 70 (startFailed)') });
      } else {
        expect(failure(installed)).toMatchObject({ code: 'ERR_SERVICEHOST_INVALID_ACCOUNT', systemCode: 'ERROR_INVALID_SERVICE_ACCOUNT' });
      }
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('stop waits for STOPPED and reports a timeout clearly, naming the state', async () => {
    const dir = scratchDir('manage-slowstop');
    const release = path.join(dir, 'release');
    await withInstalled('slowstop', { script: toWindowsPath(path.join(fixturesDir, 'stop-service.js')), args: [toWindowsPath(path.join(dir, 'log')), toWindowsPath(release)], start: true, register: false }, async (name) => {
      const [timedOut, stillStopping] = await manage([
        { op: 'stop', name, options: { timeoutMs: 1500 } },
        { op: 'query', name },
      ]);
      expect(failure(timedOut)).toMatchObject({ code: 'ERR_SERVICEHOST_WAIT_TIMEOUT', message: expect.stringMatching(/did not become stopped within 1500 ms; it is stopping \(checkpoint \d+, wait hint 10000 ms\)/u) });
      expect(stillStopping).toMatchObject({ ok: true, value: { state: 'stopping' } });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(release, '');
      const [stopped] = await manage([{ op: 'stop', name }]);
      expect(stopped!.ok, JSON.stringify(stopped)).toBe(true);
    });
  });
});
