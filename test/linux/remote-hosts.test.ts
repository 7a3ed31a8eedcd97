// `--host` on systemd, through the command as users run it (dist/cli.js in a
// child process): the one view of several hosts in parallel, each host's
// deadline, a dead host's row and exit code 11, the argument arrays systemctl
// -H gets, and the refusals. systemctl is a stand-in that answers per host
// (fixtures/remote-systemctl.js): the real ssh path runs in the live ring.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { processExists } from '../../lib/process-alive';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const folder = mkdtempSync(path.join(os.tmpdir(), 'servicehost-hosts-'));
const systemctl = path.join(folder, 'systemctl');
const log = path.join(folder, 'argv.jsonl');
// The stand-in runs with PATH=/usr/bin:/bin (what a remote run gets): this node by absolute path.
writeFileSync(systemctl, readFileSync(path.join(__dirname, 'fixtures', 'remote-systemctl.js'), 'utf8').replace('#!/usr/bin/env node', `#!${process.execPath}`));
chmodSync(systemctl, 0o755);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the command with the stand-in systemctl; `extra` options go before a `--`. */
function servicehost(args: string[], extra: string[] = []): Promise<Run> {
  const began = Date.now();
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const argv = [...args.slice(0, end), ...extra, '--systemctl', systemctl, ...args.slice(end)];
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...argv], { env: { ...process.env, REMOTE_SYSTEMCTL_LOG: log }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - began });
    });
  });
}

function logged(): Array<{ argv: string[]; pid: number; path: string }> {
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { argv: string[]; pid: number; path: string });
}

const alive = processExists;

// --timeout for the runs with a dead host. A live host's row is two runs of the stand-in (a node
// process each), which a loaded CI machine stretches past a second: the deadline leaves them room,
// and the dead host, which never answers, is still cut at it.
const DEADLINE_MS = 4_000;

describe('list and status over several hosts', () => {
  test('one row per service per host; a dead host, a refusing one and a denied one each get their typed row within the timeout; exit 11', async () => {
    rmSync(log, { force: true });
    const run = await servicehost(['list', '--host', 'root@web1:2222', '--host', 'dead1', '--host', 'refusing', '--host', 'denied1', '--timeout', String(DEADLINE_MS), '--json']);
    expect(run.code, run.stderr).toBe(11);
    expect(JSON.parse(run.stdout)).toEqual([
      { host: 'root@web1:2222', name: 'api', displayName: 'api', state: 'running', pid: 4242 },
      { host: 'dead1', error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: `dead1 did not answer within ${DEADLINE_MS} ms` } },
      { host: 'refusing', error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: expect.stringMatching(/refusing cannot be reached over ssh .*Connection refused/su) } },
      { host: 'denied1', error: { code: 'ERR_SERVICEHOST_ACCESS_DENIED', message: expect.stringMatching(/Access denied/u) } },
    ]);
    // The dead host is cut at its deadline. The margin is the command's own start and exit (a node
    // process), which a loaded machine stretches to seconds; a deadline not kept would be the
    // test's own timeout, as the dead host never answers.
    expect(run.ms).toBeLessThan(DEADLINE_MS + 4_000);
    const calls = logged();
    // Argument arrays: -H first, the units after `--`; ssh found in the standard places only.
    expect(calls.find((call) => call.argv.includes('list-unit-files') && call.argv[0] === '--host=root@web1:2222')?.argv).toEqual(['--host=root@web1:2222', '--no-pager', 'list-unit-files', '--type=service', '--no-legend']);
    expect(calls.find((call) => call.argv.includes('show'))?.argv.slice(-3)).toEqual(['--', 'api.service', 'sshd.service']);
    expect(new Set(calls.map((call) => call.path))).toEqual(new Set(['/usr/bin:/bin']));
    // The dead host's systemctl (and whatever it started) was ended at the deadline.
    for (const call of calls.filter((entry) => entry.argv[0] === '--host=dead1')) expect(alive(call.pid)).toBe(false);
  });

  test('every host answering: exit 0, text rows name the host', async () => {
    const run = await servicehost(['list', '--host', 'web1', '--host', 'ops@web2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^web1\s+api\s+running\s+4242$/u), expect.stringMatching(/^ops@web2\s+api\s+running\s+4242$/u)]);
  });

  test('status <name> --host: the ServiceInfo as D-Bus shows it, one row per host', async () => {
    const run = await servicehost(['status', 'api', '--host', 'web1', '--host', 'dead2', '--timeout', String(DEADLINE_MS), '--json']);
    expect(run.code).toBe(11);
    const [web1, dead2] = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(web1).toMatchObject({ host: 'web1', name: 'api', platform: 'systemd', state: 'running', pid: 4242, account: 'api', argv: ['/usr/bin/node', '/srv/api/server.js', '--port', '8080'], workingDirectory: '/srv/api' });
    expect(dead2).toMatchObject({ host: 'dead2', error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE' } });
  });

  test('status of a unit that is not there: its own row, exit 4', async () => {
    const run = await servicehost(['status', 'missing', '--host', 'web1', '--json']);
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toEqual([{ host: 'web1', error: expect.objectContaining({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND' }) }]);
  });
});

describe('refused before anything runs', () => {
  test.each([
    [['list', '--host', '-oProxyCommand=touch /tmp/x'], 'ERR_SERVICEHOST_INVALID_HOST'],
    [['list', '--host', 'web1 web2'], 'ERR_SERVICEHOST_INVALID_HOST'],
    [['start', 'api', '--host', 'web1', '--host', 'web2'], 'ERR_INVALID_ARG_VALUE'],
    [['list', '--host', 'web1', '--user'], 'ERR_INVALID_ARG_VALUE'],
    [['install', '--name', 'api', '--host', 'web1', '--', 'server.js'], 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED'],
    [['configure', '--name', 'api', '--host', 'web1', '--', 'server.js'], 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED'],
    [['uninstall', 'api', '--host', 'web1'], 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED'],
  ])('%j: exit 2, %s', async (args, code) => {
    rmSync(log, { force: true });
    const run = await servicehost(args, ['--json']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code } });
    // Nothing was run on any host.
    expect(() => readFileSync(log)).toThrow();
  });

  // The refusal is the remote manager's (lib/manage/systemd/systemd-remote.ts), the command's only one.
  test.each([
    [['install', '--name', 'api', '--host', 'root@web1', '--', 'server.js'], 'install'],
    [['uninstall', 'api', '--host', 'root@web1'], 'uninstall'],
  ])('%j on a systemd host says what to use instead', async (args, doing) => {
    const run = await servicehost(args);
    expect(run.stderr).toMatch(new RegExp(`Cannot ${doing} "api" on root@web1: systemctl -H .*cannot write a unit file there.*ssh.*Ansible`, 'su'));
  });

  // Only the SCM takes an account's password: here none is read (stdin stays open, so reading it would hang).
  test('install --account user --password-stdin on a systemd host is refused at once, without reading a password', async () => {
    const args = ['install', '--name', 'api', '--host', 'root@web1', '--account', 'svc', '--password-stdin', '--systemctl', systemctl, '--', 'server.js'];
    const run = await new Promise<{ code: number | string | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 15_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number | string }).code ?? (error as { signal?: string }).signal ?? null) : 0, stderr });
      });
    });
    expect(run.stderr).toMatch(/Cannot install "api" on root@web1/u);
    expect(run.code).toBe(2);
  });
});
