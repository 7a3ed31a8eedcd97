// `--host` against a real remote systemd: two guests of the ring's release,
// each with sshd, on a veth pair this test makes between two network
// namespaces of its own (192.0.2.0/24, TEST-NET-1: guest A .2, guest B .3,
// and .9 where nothing answers); none of it touches this machine's network.
// The servicehost command runs in guest A as users run it, with the guest's
// own /usr/bin/systemctl -H and /usr/bin/ssh, root's key in A's ~/.ssh
// (ssh reads the home of the password database, not $HOME, and systemctl -H
// passes no ssh options, so the key and `StrictHostKeyChecking accept-new`
// live in ~/.ssh/config), and drives B's systemd: list, status, query, start,
// stop, restart, logs; install is refused with its typed error. Then one
// `list` over A, B and the dead address: the dead host's row comes back
// within --timeout, the others complete, exit 11.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bootGuest, liveDir, runInGuest, type Guest, type GuestRun } from '../../scripts/systemd-live.mjs';
import { CLI, fixtureArgs, ring, waitFor } from './harness/guest';

const A = '192.0.2.2';
const B = '192.0.2.3';
const DEAD = '192.0.2.9';
const required = process.env.CI === 'true' || process.env.SERVICEHOST_REQUIRE_SYSTEMD_LIVE === '1';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((file) => existsSync(file));
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
const missing = [...(IP ? [] : ['ip (iproute2)']), ...(existsSync(SSH_KEYGEN) ? [] : ['ssh-keygen (openssh-client)'])];
if (missing.length > 0 && required && ring.available) throw new Error(`remote-host.test.ts needs ${missing.join(', ')} (bash .ci/run installs them)`);

const holders: ChildProcess[] = [];
const guests: Guest[] = [];
const keyDir = path.join(liveDir, `remote-host-${process.pid}`);
let client: Guest;
let server: Guest;
const name = `live-remote-${process.pid}`;

/** A network namespace of the test's own, held by a sleeping process (ended by its PID in afterAll). */
async function netns(): Promise<string> {
  const own = readlinkSync('/proc/self/ns/net');
  const holder = spawn('unshare', ['--net', '--', '/bin/sleep', 'infinity'], { stdio: 'ignore', detached: true });
  holders.push(holder);
  const file = `/proc/${holder.pid}/ns/net`;
  await waitFor('the namespace holder to enter its namespace', () => existsSync(file) && readlinkSync(file) !== own, 5000);
  return file;
}

function ip(ns: string, args: readonly string[]): void {
  execFileSync('nsenter', [`--net=${ns}`, '--', IP as string, ...args], { stdio: 'pipe' });
}

function inGuest(target: Guest, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<GuestRun> {
  return runInGuest(target.target, argv, options);
}

async function checked(target: Guest, argv: readonly string[], options: { input?: string } = {}): Promise<string> {
  const run = await inGuest(target, argv, options);
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** `servicehost <args>` in guest A. */
function remote(args: readonly string[], timeoutMs = 60_000): Promise<GuestRun> {
  return inGuest(client, ['node', CLI, ...args], { timeoutMs });
}

const json = <T>(run: GuestRun): T => JSON.parse(run.stdout) as T;

describe.skipIf(!ring.available || missing.length > 0)(`--host to a guest's systemd ${ring.systemd} over ssh (${ring.release})${missing.length > 0 ? ` (skipped: ${missing.join(', ')} missing)` : ''}`, () => {
  beforeAll(async () => {
    const [nsA, nsB] = [await netns(), await netns()];
    // One veth pair, made inside the two namespaces: neither end is ever in this machine's.
    const peerPid = String(holders[1]?.pid);
    ip(nsA, ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peerPid]);
    for (const [ns, address] of [[nsA, A], [nsB, B]] as const) {
      ip(ns, ['address', 'add', `${address}/24`, 'dev', 'eth0']);
      ip(ns, ['link', 'set', 'eth0', 'up']);
      ip(ns, ['link', 'set', 'lo', 'up']);
    }
    // .9 has a neighbour entry and no machine: A's SYNs to it go out and nothing ever answers (no ARP failure either).
    ip(nsA, ['neigh', 'add', DEAD, 'lladdr', '02:00:00:00:00:09', 'dev', 'eth0', 'nud', 'permanent']);
    // Both guests at once (0.4 s each on bookworm, 1.4 s on trixie).
    const booted = await Promise.all([
      bootGuest({ release: ring.release, netns: nsA, label: 'remote-a' }),
      bootGuest({ release: ring.release, netns: nsB, label: 'remote-b' }),
    ]);
    guests.push(...booted);
    [client, server] = booted as [Guest, Guest];

    rmSync(keyDir, { recursive: true, force: true });
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const key = path.join(keyDir, 'id_ed25519');
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'servicehost-live', '-f', key], { stdio: 'pipe' });
    for (const guest of guests) {
      await checked(guest, ['install', '-d', '-m', '0700', '/root/.ssh']);
      await checked(guest, ['/bin/sh', '-c', 'umask 077 && cat > /root/.ssh/authorized_keys'], { input: readFileSync(`${key}.pub`, 'utf8') });
      await checked(guest, ['systemctl', 'start', 'ssh.service']);
    }
    await checked(client, ['/bin/sh', '-c', 'umask 077 && cat > /root/.ssh/id_ed25519'], { input: readFileSync(key, 'utf8') });
    await checked(client, ['/bin/sh', '-c', 'umask 077 && cat > /root/.ssh/config'], {
      input: 'Host 192.0.2.*\n  IdentityFile ~/.ssh/id_ed25519\n  StrictHostKeyChecking accept-new\n',
    });
    rmSync(keyDir, { recursive: true, force: true });

    // The service on each guest, installed there as users install it: B's is the one driven, A's gives A a row.
    for (const guest of guests) {
      // With two sockets, so that their form over --host is seen against B's own (the fixture need not take them).
      const sockets = ['--listen', '8080', '--listen', `api=/run/${name}.sock`, '--listen-mode', '0666'];
      const installed = await inGuest(guest, ['node', CLI, 'install', '--allow-writable', '--name', name, ...sockets, '--', ...fixtureArgs(name, { log: `tok${process.pid}` }), 'two words']);
      if (installed.code !== 0) throw new Error(`install exited ${installed.code}: ${installed.stderr}`);
    }
  });

  afterAll(async () => {
    for (const guest of guests) {
      const down = await guest.shutdown();
      if (down.leftovers.length > 0) throw new Error(`a remote-host guest left processes behind: ${down.leftovers.join(' ')}`);
    }
    for (const holder of holders) if (holder.pid !== undefined && holder.exitCode === null) process.kill(holder.pid, 'SIGKILL');
    rmSync(keyDir, { recursive: true, force: true });
  });

  const mainPid = async (): Promise<number> => Number((await checked(server, ['systemctl', 'show', '--property=MainPID', '--value', `${name}.service`])).trim());
  const activeOnB = async (): Promise<string> => (await inGuest(server, ['systemctl', 'is-active', `${name}.service`])).stdout.trim();

  test('list, status and query read B\'s unit over ssh: its state and the PID B\'s systemd shows', async () => {
    const host = `root@${B}`;
    const listed = await remote(['list', '--host', host, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(json<Array<{ host: string; name: string; state: string }>>(listed)).toContainEqual(expect.objectContaining({ host, name, state: 'running' }));

    const status = await remote(['status', name, '--host', host, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const pid = await mainPid();
    expect(pid).toBeGreaterThan(0);
    expect(json<Array<{ host: string; name: string; state: string; pid: number }>>(status)).toEqual([expect.objectContaining({ host, name, state: 'running', pid })]);

    const queried = await inGuest(client, [
      'node', '--input-type=module', '-e',
      'const { query } = await import("/checkout/dist/manage.mjs"); console.log(JSON.stringify(await query(process.argv[1], { host: process.argv[2] })));',
      name, host,
    ]);
    expect(queried.code, queried.stderr).toBe(0);
    expect(JSON.parse(queried.stdout)).toMatchObject({ name, state: 'running', pid });
    // Over --host, argv is ExecStart='s words as `systemctl show` prints them: "two words" comes back as two (docs/manage.md).
    const local = json<{ argv: string[] }>(await inGuest(server, ['node', CLI, 'status', name, '--json'])).argv;
    expect(local.at(-1)).toBe('two words');
    expect(JSON.parse(queried.stdout).argv).toEqual(local.flatMap((word) => word.split(' ')));
    // The sockets in one form: B's unit files read on B, and systemctl show's Listen= ('[::]:8080 (Stream)') over ssh.
    const sockets = [
      { unit: `${name}.socket`, address: '8080', name: '8080' },
      { unit: `${name}-2.socket`, address: `/run/${name}.sock`, name: 'api', mode: '0666' },
    ];
    expect(json<{ systemd: { sockets: unknown } }>(await inGuest(server, ['node', CLI, 'status', name, '--json', '--no-output'])).systemd.sockets).toEqual(sockets);
    expect(json<Array<{ systemd: { sockets: unknown } }>>(status)[0]!.systemd.sockets).toEqual(sockets);
  });

  test('stop, start and restart act on B\'s systemd; logs reads B\'s journal through ssh', async () => {
    const host = `root@${B}`;
    const stopped = await remote(['stop', name, '--host', host]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await activeOnB()).toBe('inactive');

    const started = await remote(['start', name, '--host', host]);
    expect(started.code, started.stderr).toBe(0);
    expect(await activeOnB()).toBe('active');
    const before = await mainPid();

    const restarted = await remote(['restart', name, '--host', host]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(await activeOnB()).toBe('active');
    const after = await mainPid();
    expect(after).toBeGreaterThan(0);
    expect(after).not.toBe(before);

    const token = `tok${process.pid}`;
    const lines = await waitFor('the fixture\'s lines in logs --host', async () => {
      const run = await remote(['logs', name, '--host', host, '--json']);
      const ours = run.code === 0 ? json<{ lines: string[] }>(run).lines.filter((line) => line.includes(token)) : [];
      return ours.length >= 4 ? ours : undefined;
    });
    expect(lines.some((line) => line.includes('info line'))).toBe(true);
  });

  test('a guest never joins this machine\'s own network namespace', async () => {
    await expect(bootGuest({ release: ring.release, netns: '/proc/self/ns/net', label: 'remote-refused' })).rejects.toThrow(/this machine's own network namespace/u);
  });

  test('install --host is refused with its typed error, and nothing is written on B', async () => {
    const other = `${name}-x`;
    const refused = await remote(['install', '--allow-writable', '--name', other, '--host', `root@${B}`, '--json', '--', ...fixtureArgs(other)]);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(json<{ error: { code: string } }>(refused).error.code).toBe('ERR_SERVICEHOST_REMOTE_UNSUPPORTED');
    expect((await inGuest(server, ['test', '-e', `/etc/systemd/system/${other}.service`])).code).toBe(1);
  });

  test('list over A, B and a dead address: the dead row within --timeout, the others complete, exit 11', async () => {
    const timeout = 4000;
    const hosts = [`root@${A}`, `root@${B}`, `root@${DEAD}`];
    const began = Date.now();
    const run = await remote(['list', ...hosts.flatMap((host) => ['--host', host]), '--timeout', String(timeout), '--json']);
    const elapsed = Date.now() - began;
    console.log(`[remote-host] list over 2 live guests + 1 dead address (--timeout ${timeout}): ${elapsed} ms`);
    expect(run.code, run.stderr).toBe(11);
    const rows = json<Array<{ host: string; name?: string; state?: string; error?: { code: string; message: string } }>>(run);
    expect(rows).toContainEqual(expect.objectContaining({ host: `root@${B}`, name, state: 'running' }));
    expect(rows).toContainEqual(expect.objectContaining({ host: `root@${A}`, name, state: 'running' }));
    expect(rows.filter((row) => row.error !== undefined).map((row) => row.host)).toEqual([`root@${DEAD}`]);
    expect(rows.filter((row) => row.host === `root@${DEAD}`)).toEqual([{ host: `root@${DEAD}`, error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: `root@${DEAD} did not answer within ${timeout} ms` } }]);
    // The CLI itself (node's start in the guest) on top of the deadline.
    expect(elapsed).toBeGreaterThanOrEqual(timeout);
    expect(elapsed).toBeLessThan(timeout + 3000);
    // The dead host's ssh was ended at the deadline, with its systemctl.
    expect((await inGuest(client, ['pgrep', '-a', '-x', 'ssh'])).stdout).toBe('');

    const live = Date.now();
    const two = await remote(['list', '--host', `root@${A}`, '--host', `root@${B}`, '--timeout', String(timeout), '--json']);
    expect(two.code, two.stderr).toBe(0);
    console.log(`[remote-host] list over the 2 live guests alone: ${Date.now() - live} ms`);
  });
});
