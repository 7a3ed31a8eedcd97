// `--elevate` / `{ elevate: true }` against the real SCM: the command runs in
// a servicehost started through ShellExecuteExW's "runas" verb, and its exit
// code, JSON and typed errors come back as an unelevated run gives them.
// Under Wine every process is an administrator and runas starts the program
// at once, with no consent prompt; the prompt (and declining it) is
// windows-latest's (windows-latest-only.test.ts).
//
// The CLI test runs alone: it and the API test each compare the private
// folders in Windows' temp folder before and after, so neither may run while
// the other makes one. The last three run side by side (test.concurrent): the
// other two make no such folder, and none measures a time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manage, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, scratchDir, uniqueServiceName } from './harness/service';

const ring = inject('windowsRing');

/** The private folders elevate left in Windows' temp folder (it removes each one it makes). */
async function leftoverFolders(): Promise<string[]> {
  const listing = await runWindows(windowsNodeExe(), [
    '-e',
    "const fs=require('fs'),os=require('os');console.log(JSON.stringify(fs.readdirSync(os.tmpdir()).filter((n)=>n.startsWith('servicehost-elevate-'))))",
  ]);
  expect(listing.code, listing.stderr).toBe(0);
  return JSON.parse(listing.stdout) as string[];
}

/** The same JSON with the service's name (and what contains it) made equal. */
function withName(text: string, name: string, as: string): unknown {
  return JSON.parse(text.split(name).join(as));
}

describe.skipIf(!ring.available)('elevate: the command and the API through runas', () => {
  test('CLI: install, start, stop, uninstall with --elevate give the exit codes and JSON of the same commands unelevated; no private folder is left', async () => {
    const elevated = uniqueServiceName('elev-cli');
    const plain = uniqueServiceName('elev-plain');
    const script = toWindowsPath(path.join(fixturesDir, 'argv-service.js'));
    const log = toWindowsPath(path.join(scratchDir('elevate-cli'), 'argv.log'));
    try {
      const install = (name: string, extra: string[]) =>
        servicehostCommand(['install', ...extra, '--name', name, '--no-start', '--start-type', 'manual', '--json', '--', script, log, 'two words']);
      // An unelevated command makes no private folder: the plain install runs beside the first listing.
      const [before, direct] = await Promise.all([leftoverFolders(), install(plain, [])]);
      const viaRunas = await install(elevated, ['--elevate']);
      expect(viaRunas.code, viaRunas.stderr + viaRunas.stdout).toBe(0);
      expect(withName(viaRunas.stdout, elevated, 'X')).toEqual(withName(direct.stdout, plain, 'X'));
      expect(JSON.parse(viaRunas.stdout)).toMatchObject({ name: elevated, platform: 'windows', started: false });

      const started = await servicehostCommand(['start', elevated, '--elevate', '--json']);
      expect(started.code, started.stderr).toBe(0);
      expect(JSON.parse(started.stdout)).toMatchObject({ name: elevated, state: 'running', pid: expect.any(Number), argv: expect.arrayContaining(['two words']) });

      const status = await servicehostCommand(['status', elevated, '--json']);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', pid: JSON.parse(started.stdout).pid });

      const stopped = await servicehostCommand(['stop', elevated, '--elevate']);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toBe(`${elevated}: stopped\n`);

      const removed = await servicehostCommand(['uninstall', elevated, '--elevate', '--json']);
      expect(removed.code, removed.stderr).toBe(0);
      // The same document an unelevated uninstall prints: the name, removed, and where the kept logs are.
      expect(JSON.parse(removed.stdout)).toEqual({ name: elevated, removed: true, logsKept: expect.stringMatching(new RegExp(`\\\\${elevated}\\\\logs$`, 'u')) });

      // A typed failure: the same exit code (4) and the same JSON error as unelevated. The unelevated
      // run goes beside the elevated one and the last listing, which follows the last elevated command.
      const [[missing, after], missingDirect] = await Promise.all([
        servicehostCommand(['start', elevated, '--elevate', '--json']).then(async (run) => [run, await leftoverFolders()] as const),
        servicehostCommand(['start', elevated, '--json']),
      ]);
      expect(missing.code).toBe(4);
      expect(missing.stdout).toBe(missingDirect.stdout);
      expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', systemCode: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060 });

      expect(after).toEqual(before);
    } finally {
      // One Windows Node for both.
      await manage([{ op: 'uninstall', name: elevated }, { op: 'uninstall', name: plain }]);
    }
  });

  test.concurrent('API: { elevate: true } installs, starts, stops and uninstalls; a typed error comes back with its class, code, errno and syscall', async () => {
    const name = uniqueServiceName('elev-api');
    const script = toWindowsPath(path.join(fixturesDir, 'argv-service.js'));
    const log = toWindowsPath(path.join(scratchDir('elevate-api'), 'argv.log'));
    const elevate = { elevate: true };
    const before = await leftoverFolders();
    try {
      const outcomes = await manage([
        { op: 'install', spec: { name, script, args: [log], start: false }, options: elevate },
        { op: 'start', name, options: elevate },
        { op: 'query', name },
        { op: 'stop', name, options: elevate },
        { op: 'query', name },
        { op: 'uninstall', name, options: elevate },
        { op: 'start', name, options: elevate },
        { op: 'start', name },
      ]);
      const [installed, started, running, stopped, afterStop, removed, missing, missingDirect] = outcomes;
      expect(installed, JSON.stringify(installed)).toMatchObject({ ok: true, value: { name, platform: 'windows', started: false, warnings: expect.any(Array) } });
      expect(started).toEqual({ ok: true, value: null });
      expect(running).toMatchObject({ ok: true, value: { state: 'running', pid: expect.any(Number) } });
      expect(stopped).toEqual({ ok: true, value: null });
      expect(afterStop).toMatchObject({ ok: true, value: { state: 'stopped' } });
      expect(removed).toEqual({ ok: true, value: null });
      expect(missing).toEqual(missingDirect);
      expect(missing).toMatchObject({ ok: false, error: { name: 'ServiceManagerError', code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', systemCode: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060 } });
      expect(await leftoverFolders()).toEqual(before);
    } finally {
      await uninstallQuietly(name);
    }
  });

  // What runas itself does, seen from the program it starts.
  test.concurrent('runElevated: the program runs in the folder given, its exit code comes back; under Wine it gets the caller\'s environment', async () => {
    const dir = scratchDir('elevate-probe');
    const seenFile = path.join(dir, 'seen.json');
    const child = "require('fs').writeFileSync(process.argv[1], JSON.stringify({ probe: process.env.SERVICEHOST_ELEVATE_PROBE ?? null, cwd: process.cwd() })); process.exit(7)";
    const caller = [
      "const { loadNative } = require(process.argv[1]); const { windowsParameters } = require(process.argv[2]);",
      "loadNative().runElevated({ program: process.execPath, parameters: windowsParameters(['-e', process.argv[3], process.argv[4]]), directory: process.argv[5] })",
      '.then((result) => console.log(JSON.stringify(result)), (error) => console.log(JSON.stringify({ code: error.code, errno: error.errno })));',
    ].join(' ');
    const dist = (file: string) => toWindowsPath(path.join(repoRoot, 'dist', ...file.split('/')));
    const run = await runWindows(windowsNodeExe(), ['-e', caller, dist('native/load.js'), dist('manage/elevate-protocol.js'), child, toWindowsPath(seenFile), toWindowsPath(dir)], {
      env: { SERVICEHOST_ELEVATE_PROBE: 'from the caller' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ exitCode: 7 });
    const seen = JSON.parse(readFileSync(seenFile, 'utf8')) as { probe: string | null; cwd: string };
    expect(seen.cwd.toLowerCase()).toBe(toWindowsPath(dir).toLowerCase());
    // Real Windows (through the consent service) starts it with the user's standard environment; the code relies on neither.
    if (!isNativeWindows) expect(seen.probe).toBe('from the caller');
  });

  // Windows stores the DACL as given. Wine (8.0, this prefix) reads back only
  // the owner's and SYSTEM's allow-all ACEs, unprotected: it keeps no
  // Administrators ACE and no protected flag. Either way no one else is let in.
  test.concurrent('the private folder: only the caller, SYSTEM (and on Windows Administrators, protected) are let in', async () => {
    const folder = toWindowsPath(path.join(scratchDir('elevate-acl'), 'private'));
    const [created, again] = await manage([
      { op: 'native', fn: 'createPrivateDirectory', args: [folder] },
      { op: 'native', fn: 'createPrivateDirectory', args: [folder] },
    ]);
    expect(created!.ok, JSON.stringify(created)).toBe(true);
    const sddl = (created as { value: string }).value;
    const [, owner, flags, aceText] = /^O:([^D]+)D:([^(]*)((?:\([^)]*\))*)$/u.exec(sddl) ?? [];
    expect(owner, sddl).toBeDefined();
    const aces = aceText!.match(/\([^)]*\)/gu)!;
    expect(aces.every((ace) => /^\(A;OICI;FA;;;/u.test(ace)), sddl).toBe(true);
    const trustees = aces.map((ace) => ace.slice(ace.lastIndexOf(';') + 1, -1)).sort();
    if (isNativeWindows) {
      expect(flags, sddl).toContain('P');
      // The owner is the user, or BA when the test runs elevated (windows-latest); the ACE names the user.
      expect(trustees).toEqual(expect.arrayContaining(['BA', 'SY']));
      expect(trustees.filter((sid) => sid.startsWith('S-1-5-21-'))).toHaveLength(1);
      expect(trustees).toHaveLength(3);
    } else {
      expect({ flags, trustees }).toEqual({ flags: '', trustees: [owner, 'SY'].sort() });
    }
    // An existing name (a link included) is never reused.
    expect(again).toMatchObject({ ok: false, error: { code: 'ERROR_ALREADY_EXISTS', errno: 183, syscall: 'CreateDirectoryW' } });
  });
});
