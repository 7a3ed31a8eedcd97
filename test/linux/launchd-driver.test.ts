// The launchd manager's calls, on Linux: the plist it writes (read back by
// query()) and the exact launchctl argv for bootstrap, kickstart, kill and
// bootout. launchctl exists only on macOS, so a recording stand-in
// (fixtures/fake-manager-command.js) takes its place; the plist format itself
// is checked by Python's plistlib in plist-python.test.ts.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as launchd from '../../lib/manage/launchd/launchd-manager';
import { fixturesDir } from './harness/child';

let home: string;
let log: string;
const touched = ['HOME', 'FAKE_COMMAND_LOG', 'FAKE_COMMAND_STDOUT', 'FAKE_COMMAND_EXIT'] as const;
// The recording stand-in, named explicitly as a caller must (an environment variable is never trusted as root).
const commands = { launchctl: path.join(fixturesDir, 'fake-manager-command.js') };
const saved = Object.fromEntries(touched.map((key) => [key, process.env[key]]));

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'servicehost-launchd-'));
  log = path.join(home, 'launchctl.log');
  Object.assign(process.env, { HOME: home, FAKE_COMMAND_LOG: log });
});
// Key by key: replacing process.env itself would cut it off from the real environment os.homedir() reads.
afterEach(() => {
  for (const key of touched) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const calls = (): string[][] => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
const domain = `gui/${os.userInfo().uid}`;

describe('launchd agent, driven through launchctl', () => {
  test('install writes the plist and bootstraps it; query reads it back; uninstall boots it out and removes it', async () => {
    const result = await launchd.installLaunchdService({ name: 'com.example.api', script: '/srv/api/server.js', args: ['two words'], launchd: { user: true }, commands });
    const plist = path.join(home, 'Library', 'LaunchAgents', 'com.example.api.plist');
    expect(result).toMatchObject({ platform: 'launchd', path: plist, started: true });
    const output = path.join(home, 'Library', 'Logs', 'servicehost', 'com.example.api', 'output.log');
    expect(existsSync(path.dirname(output))).toBe(true);
    // logs reads the plist's StandardOutPath; before the job wrote anything there are no lines.
    const lines = async (options = {}): Promise<string[]> => {
      const read: string[] = [];
      for await (const line of await launchd.logsLaunchdService('com.example.api', { user: true, ...options })) read.push(line);
      return read;
    };
    expect(await lines()).toEqual([]);
    writeFileSync(output, 'listening\nError: thrown\n');
    expect(await lines()).toEqual(['listening', 'Error: thrown']);
    expect(await lines({ lines: 1 })).toEqual(['Error: thrown']);

    process.env.FAKE_COMMAND_STDOUT = 'com.example.api = {\n\tstate = running\n\tpid = 4242\n\tlast exit code = 0\n}\n';
    const info = await launchd.queryLaunchdService('com.example.api', { user: true, commands });
    expect(info).toMatchObject({ state: 'running', pid: 4242, exitCode: 0, enabled: true, workingDirectory: '/srv/api' });
    expect(info.argv.slice(-2)).toEqual(['/srv/api/server.js', 'two words']);

    await launchd.stopLaunchdService('com.example.api', { user: true, commands });
    await launchd.restartLaunchdService('com.example.api', { user: true, commands });
    await launchd.uninstallLaunchdService('com.example.api', { user: true, commands });
    expect(existsSync(plist)).toBe(false);
    expect(calls()).toEqual([
      ['bootstrap', domain, plist],
      ['print', `${domain}/com.example.api`],
      ['kill', 'SIGTERM', `${domain}/com.example.api`],
      ['kickstart', '-k', `${domain}/com.example.api`],
      ['bootout', `${domain}/com.example.api`],
    ]);
  });

  test('a refused bootstrap removes the plist again and reports launchctl\'s words', async () => {
    process.env.FAKE_COMMAND_EXIT = '5';
    await expect(launchd.installLaunchdService({ name: 'com.example.bad', script: '/a.js', launchd: { user: true }, commands })).rejects.toMatchObject({
      code: 'ERR_SERVICEHOST_COMMAND_FAILED',
      message: expect.stringContaining('launchctl bootstrap'),
    });
    expect(existsSync(path.join(home, 'Library', 'LaunchAgents', 'com.example.bad.plist'))).toBe(false);
  });

  test('configure makes the output folder again: launchd makes none, and a job without one loses its output', async () => {
    await launchd.installLaunchdService({ name: 'com.example.cfg', script: '/srv/a.js', launchd: { user: true }, commands });
    const folder = path.join(home, 'Library', 'Logs', 'servicehost', 'com.example.cfg');
    rmSync(folder, { recursive: true });
    await launchd.configureLaunchdService({ name: 'com.example.cfg', script: '/srv/a.js', launchd: { user: true }, commands });
    expect(existsSync(folder)).toBe(true);
  });

  // The plist folder's chain is checked as systemd's unit folder is: another
  // user who owns a folder on the way, or a link there, could steer the write.
  test.runIf(process.getuid?.() === 0)('a folder on the way to the plist that another user owns is refused before anything is written', async () => {
    mkdirSync(path.join(home, 'Library', 'LaunchAgents'), { recursive: true });
    chownSync(path.join(home, 'Library'), 1000, 1000);
    await expect(launchd.installLaunchdService({ name: 'com.example.steered', script: '/a.js', launchd: { user: true }, commands })).rejects.toMatchObject({
      code: 'ERR_SERVICEHOST_UNSAFE_PATH',
      message: expect.stringContaining(`${path.join(home, 'Library')}: `),
    });
    expect(existsSync(path.join(home, 'Library', 'LaunchAgents', 'com.example.steered.plist'))).toBe(false);
  });

  test.runIf(process.getuid?.() === 0)('a link another user planted on the way to the plist is refused', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'servicehost-launchd-elsewhere-'));
    try {
      mkdirSync(path.join(elsewhere, 'LaunchAgents'));
      symlinkSync(elsewhere, path.join(home, 'Library'));
      chownSync(path.join(home, 'Library'), 1000, 1000); // chown on a link changes its target: lchown below
      const { lchownSync } = await import('node:fs');
      lchownSync(path.join(home, 'Library'), 1000, 1000);
      await expect(launchd.installLaunchdService({ name: 'com.example.linked', script: '/a.js', launchd: { user: true }, commands })).rejects.toMatchObject({ code: 'ERR_SERVICEHOST_UNSAFE_PATH' });
      expect(existsSync(path.join(elsewhere, 'LaunchAgents', 'com.example.linked.plist'))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('list finds servicehost\'s plists only', async () => {
    await launchd.installLaunchdService({ name: 'com.example.one', script: '/a.js', launchd: { user: true }, commands });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(home, 'Library', 'LaunchAgents', 'com.other.plist'), '<?xml version="1.0"?><plist version="1.0"><dict/></plist>');
    expect((await launchd.listLaunchdServices({ user: true, commands })).map((service) => service.name)).toEqual(['com.example.one']);
  });
});
