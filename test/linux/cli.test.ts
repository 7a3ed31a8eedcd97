// The `servicehost` command as users run it: a real child process of
// dist/cli.js. install, list and uninstall work on an offline root with the
// real systemctl (--root). A running systemd is the live ring's
// (test/systemd-live): install, start, stop, status and their exit codes are
// proven there. The recording stand-in (fixtures/fake-manager-command.js)
// stays only for what a guest cannot show: the exact argv (--no-block only
// with --no-wait), the environment a child systemctl sees (no password), and
// systemctl failures a live manager will not produce on demand.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FixtureProcess, fixturesDir } from './harness/child';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function servicehost(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'servicehost-cli-'));
}

describe('servicehost --help and bad command lines', () => {
  test('--help lists every verb, the example and the exit codes', async () => {
    const run = await servicehost(['--help']);
    expect(run.code).toBe(0);
    for (const verb of ['install', 'uninstall', 'start', 'stop', 'restart', 'status', 'list', 'run']) expect(run.stdout).toContain(`  ${verb} `);
    expect(run.stdout).toContain('npx servicehost install --name api -- server.js --port 8080');
    expect(run.stdout).toContain('5  access denied');
  });

  test('each verb has its own --help', async () => {
    const run = await servicehost(['install', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--start-type <type>');
    expect(run.stdout).toContain('--hardening');
  });

  test.each([
    [['frobnicate'], /Unknown command "frobnicate"/u],
    [['install', '--colour', 'red'], /Unknown option --colour/u],
    [['install', '--', 'server.js'], /--name <name> is required/u],
    [['install', '--name', 'api'], /give the script after --/u],
    [['install', '--name', 'api', '--stop-timeout', 'soon', '--', 'a.js'], /whole number/u],
    [['install', '--name', 'two words', '--root', '/nonexistent-root', '--', 'a.js'], /Invalid service name/u],
    [['install', '--name', 'api', '--env', 'NOEQUALS', '--root', '/nonexistent-root', '--', 'a.js'], /KEY=value/u],
    [['stop'], /which service/u],
    [['run', '--cwd', '/nonexistent', '--', 'a.js'], /^servicehost run: --cwd "\/nonexistent": cannot work there \(no such folder\)$/mu],
  ])('%j exits 2 with a message, said once', async (args, message) => {
    const run = await servicehost(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/servicehost [a-z]+: servicehost [a-z]+:/u);
  });

  // Node itself reads --env-file wherever it stands (lib/cli/node-reads.ts): the
  // command has no option by that name, and says what Node may already have done.
  test('--env-file is refused (exit 2) naming --environment-file; a missing one is Node\'s own exit 9, before servicehost runs', async () => {
    const envFile = path.join(scratch(), 'app.env');
    writeFileSync(envFile, 'GREETING=hello\n');
    for (const args of [['--env-file', envFile], [`--env-file-if-exists=${envFile}`], ['--node-arg', `--env-file=${envFile}`]]) {
      // A scratch root: were the option taken, nothing outside the test is written.
      const run = await servicehost(['install', '--name', 'api', '--root', scratch(), ...args, '--', 'a.js']);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^servicehost: --env-file(-if-exists)? is not a servicehost option; the service's env file is --environment-file <path>\. .*this process's node may already have loaded that file/u);
    }
    const version = await servicehost(['--version', '--env-file', envFile]);
    expect([version.code, version.stdout]).toEqual([2, '']);
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const missing = await servicehost(['install', '--name', 'api', '--root', scratch(), '--env-file', path.join(scratch(), 'missing.env'), '--', 'a.js']);
    // Measured: 20, 22, 24 and 26 read it after the script path; 18 does not (docs/cli.md).
    if (major > 20 || (major === 20 && minor >= 6)) expect([missing.code, missing.stderr]).toEqual([9, expect.stringMatching(/missing\.env: not found/u)]);
    else expect(missing.code).toBe(2);
  });
});

const linux = process.platform === 'linux';

describe.skipIf(!linux)('install, list and uninstall on an offline root (real systemctl --root; skipped off Linux: systemd only)', () => {
  test('the whole story, with --json and the documented exit codes', async () => {
    const root = scratch();
    const script = path.join(fixturesDir, 'lifecycle-service.js');
    const installed = await servicehost(['install', '--name', 'api', '--root', root, '--json', '--env', 'NODE_ENV=production', '--', script, '--port', '8080', 'two words']);
    expect(installed.code, installed.stderr).toBe(0);
    const result = JSON.parse(installed.stdout) as { path: string; started: boolean; command: string };
    expect(result.path).toBe(path.join(root, 'etc', 'systemd', 'system', 'api.service'));
    expect(result.started).toBe(false);
    expect(result.command).toContain('"two words"');
    // systemctl --root enable made the [Install] symlink.
    expect(lstatSync(path.join(root, 'etc', 'systemd', 'system', 'multi-user.target.wants', 'api.service')).isSymbolicLink()).toBe(true);
    expect(readFileSync(result.path, 'utf8')).toContain('Environment=NODE_ENV=production');

    const again = await servicehost(['install', '--name', 'api', '--root', root, '--', script]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/already exists/u);

    const configured = await servicehost(['configure', '--name', 'api', '--root', root, '--description', 'reconfigured', '--', script, '--port', '9090']);
    expect(configured.code, configured.stderr).toBe(0);
    expect(readFileSync(result.path, 'utf8')).toMatch(/^Description=reconfigured$/mu);
    expect(readFileSync(result.path, 'utf8')).toMatch(/--port 9090$/mu);

    const listed = await servicehost(['list', '--root', root, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([{ name: 'api', displayName: 'api', state: 'unknown' }]);

    const removed = await servicehost(['uninstall', 'api', '--root', root]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(result.path)).toBe(false);
    expect(existsSync(path.join(root, 'etc', 'systemd', 'system', 'multi-user.target.wants', 'api.service'))).toBe(false);

    const gone = await servicehost(['uninstall', 'api', '--root', root, '--json']);
    expect(gone.code).toBe(4);
    expect(JSON.parse(gone.stdout).error.code).toBe('ERR_SERVICEHOST_SERVICE_NOT_FOUND');
  });

  test('a unit servicehost did not write is never removed', async () => {
    const root = scratch();
    const unitDir = path.join(root, 'etc', 'systemd', 'system');
    await servicehost(['install', '--name', 'theirs', '--root', root, '--no-register', '--', 'x.js']);
    const file = path.join(unitDir, 'theirs.service');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^# Installed by servicehost\./u, '# hand-made'));
    const run = await servicehost(['uninstall', 'theirs', '--root', root]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/did not write it/u);
    expect(existsSync(file)).toBe(true);
  });
});

describe.skipIf(!linux)('start, stop, restart and status against systemctl (recording stand-in: no systemd may run here; skipped off Linux)', () => {
  const fake = path.join(fixturesDir, 'fake-manager-command.js');

  async function withUnit(body: (root: string, log: string, env: NodeJS.ProcessEnv) => Promise<void>): Promise<void> {
    const dir = scratch();
    const log = path.join(dir, 'systemctl.log');
    // A user unit under a private XDG_CONFIG_HOME: the file query() reads back.
    const env = { FAKE_COMMAND_LOG: log, XDG_CONFIG_HOME: dir };
    const installed = await servicehost(['install', '--name', 'api', '--user', '--systemctl', fake, '--', path.join(fixturesDir, 'lifecycle-service.js'), 'a b'], env);
    expect(installed.code, installed.stderr).toBe(0);
    await body(dir, log, env);
  }

  const calls = (log: string): string[][] => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);

  test('start, stop and restart pass --no-block only with --no-wait', async () => {
    await withUnit(async (_dir, log, env) => {
      const stopped = await servicehost(['stop', 'api', '--user', '--systemctl', fake], env);
      expect(stopped.code).toBe(0);
      // systemctl says nothing while it waits; the manager reports the state it entered.
      expect(stopped.stderr).toBe('api: stopping\n');
      const started = await servicehost(['start', 'api', '--user', '--systemctl', fake, '--no-wait'], env);
      expect(started.code).toBe(0);
      expect(started.stderr).toBe('api: starting\n');
      expect((await servicehost(['restart', 'api', '--user', '--systemctl', fake], env)).code).toBe(0);
      // After install's own calls (its --version, which picks the unit's Type=, daemon-reload, enable, start).
      const verbs = calls(log).filter((call) => !call.includes('show') && !call.includes('--version')).slice(3);
      expect(verbs).toEqual([
        ['--user', 'stop', '--', 'api.service'],
        ['--user', 'start', '--no-block', '--', 'api.service'],
        ['--user', 'restart', '--', 'api.service'],
      ]);
    });
  });

  test('a user account password never reaches a child: the variable is taken out of the environment before systemctl runs', async () => {
    const dir = scratch();
    const envLog = path.join(dir, 'env.log');
    const env = { FAKE_COMMAND_LOG: path.join(dir, 'systemctl.log'), FAKE_COMMAND_ENV_LOG: envLog, XDG_CONFIG_HOME: dir, SERVICEHOST_ACCOUNT_PASSWORD: 's3cret' };
    const installed = await servicehost(['install', '--name', 'secret', '--user', '--account', '.\\svc', '--systemctl', fake, '--', path.join(fixturesDir, 'lifecycle-service.js')], env);
    expect(installed.code, installed.stderr).toBe(0);
    const seen = readFileSync(envLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(seen.length).toBeGreaterThan(0);
    // The check can fail: the children do see the variables around it.
    for (const names of seen) {
      expect(names).toContain('FAKE_COMMAND_ENV_LOG');
      expect(names).not.toContain('SERVICEHOST_ACCOUNT_PASSWORD');
    }
  });

  test('a refused systemctl becomes a typed error and exit code', async () => {
    await withUnit(async (_dir, _log, env) => {
      const denied = await servicehost(['stop', 'api', '--user', '--systemctl', fake, '--json'], { ...env, FAKE_COMMAND_EXIT: '1' });
      expect(denied.code).toBe(1);
      expect(JSON.parse(denied.stdout).error.code).toBe('ERR_SERVICEHOST_COMMAND_FAILED');
    });
  });
});

// A system unit needs root. Root runs this as `nobody` (runuser), anyone else
// as themselves; root never runs it directly, which would write the real
// /etc/systemd/system.
function unprivileged(): { command: string; prefix: string[] } | string {
  if (process.getuid?.() !== 0) return { command: process.execPath, prefix: [] };
  try {
    require('node:child_process').execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', '0'], { stdio: 'ignore' });
    return { command: 'runuser', prefix: ['-u', 'nobody', '--', process.execPath] };
  } catch {
    return 'running as root, and `runuser -u nobody` cannot run this node (none, or not readable by nobody)';
  }
}
const asUser = unprivileged();

describe.skipIf(!linux || typeof asUser === 'string')(`not elevated${typeof asUser === 'string' ? ` (skipped: ${asUser})` : ''}`, () => {
  test('a system install by an unprivileged user exits 5 with the hint to run elevated, and writes nothing', async () => {
    const runner = asUser as { command: string; prefix: string[] };
    const name = `servicehost-denied-${process.pid}`;
    // The checkout may sit where the unprivileged user cannot read (a clone under a 0700 home):
    // run a copy of the package from a folder everyone can read, as an installed package would be.
    const copy = mkdtempSync(path.join(os.tmpdir(), 'servicehost-copy-'));
    cpSync(path.join(repoRoot, 'dist'), path.join(copy, 'dist'), { recursive: true });
    cpSync(path.join(repoRoot, 'package.json'), path.join(copy, 'package.json'));
    execFileSync('chmod', ['-R', 'a+rX', copy]);
    const run = await new Promise<Run>((resolve) => {
      execFile(runner.command, [...runner.prefix, path.join(copy, 'dist', 'cli.js'), 'install', '--name', name, '--no-start', '--json', '--', '/srv/app.js'], { encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(5);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_ACCESS_DENIED', systemCode: 'EACCES', message: expect.stringMatching(/sudo/u) });
    expect(existsSync(`/etc/systemd/system/${name}.service`)).toBe(false);
    rmSync(copy, { recursive: true, force: true });
  });
});

describe('servicehost run', () => {
  test('runs the script in the foreground with its --cwd, --env and arguments, under the lifecycle: SIGTERM stops it, exit code 0', async () => {
    const dir = scratch();
    const target = path.join(fixturesDir, 'run-target.js');
    const child = new FixtureProcess(cli, { args: ['run', '--cwd', dir, '--env', 'FROM_RUN=yes', '--', target, 'a b', '--flag'], fixture: {} });
    // The program sees the working directory, the variable and argv it was given, as under a service manager.
    expect(await child.waitForEvent('started-with')).toMatchObject({ cwd: dir, fromRun: 'yes', argv: [target, 'a b', '--flag'] });
    await child.waitForEvent('state', (event) => event.state === 'running');
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(child.names).toContain('stopped');
  });
});
