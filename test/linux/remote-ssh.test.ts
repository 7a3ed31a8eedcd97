// The real path of `--host` on systemd up to the network: the system's own
// /usr/bin/systemctl -H and the /usr/bin/ssh it starts, against hosts of this
// test's own on the loopback address: a port whose listener takes the
// connection and never says a word (ssh waits for the server's banner for
// ever, as with a host that does not answer), and a port where nothing
// listens (ssh: connection refused). The rows come back typed, within the
// deadline, and the dead host's ssh is ended with its systemctl. No systemd
// is reached or started: systemctl -H talks only to the far end. A live
// remote systemd over ssh is the live ring's (guests that run sshd).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const missing = ['/usr/bin/systemctl', '/usr/bin/ssh'].filter((program) => !existsSync(program));

let silent: net.Server;
const held: net.Socket[] = [];
let silentPort = 0;
let closedPort = 0;

// --timeout: the refusing host's systemctl and ssh (two processes) must fail inside it, which a
// loaded CI machine can stretch to seconds; the silent host, which never speaks, is cut at it.
const DEADLINE_MS = 5_000;

beforeAll(async () => {
  silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
  // A port that was just free: nothing listens there.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

/** The ssh processes whose command line names `port`. */
function sshTo(port: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/u.test(entry))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return path.basename(argv[0] ?? '') === 'ssh' && argv.includes(String(port));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(missing.length > 0)(`systemctl -H and ssh, for real, to hosts that do not answer${missing.length > 0 ? ` (skipped: ${missing.join(', ')} missing)` : ''}`, () => {
  test('a silent host is its own row at the deadline, its ssh ended; a refusing one is unreachable at once; exit 11', async () => {
    const began = Date.now();
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, 'list', '--host', `root@127.0.0.1:${silentPort}`, '--host', `root@127.0.0.1:${closedPort}`, '--timeout', String(DEADLINE_MS), '--json'], { encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    const elapsed = Date.now() - began;
    expect(run.code, run.stderr).toBe(11);
    expect(JSON.parse(run.stdout)).toEqual([
      { host: `root@127.0.0.1:${silentPort}`, error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: `root@127.0.0.1:${silentPort} did not answer within ${DEADLINE_MS} ms` } },
      { host: `root@127.0.0.1:${closedPort}`, error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: expect.stringMatching(/cannot be reached over ssh/u) } },
    ]);
    // Cut at the deadline; the margin is the command's own start and exit, seconds on a loaded machine.
    expect(elapsed).toBeLessThan(DEADLINE_MS + 4_000);
    // The silent host held ssh's connection until the deadline ended it. Its ssh is gone within
    // moments (a SIGKILL to its group); one left alive waits on the silent connection for good.
    expect(held.length).toBeGreaterThan(0);
    for (const until = Date.now() + 3_000; sshTo(silentPort).length > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sshTo(silentPort)).toEqual([]);
  });

  test('logs --host reads the journal through /usr/bin/ssh itself: a refusing host is exit 11, typed', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, 'logs', 'api', '--host', `root@127.0.0.1:${closedPort}`, '--json'], { encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(11);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: expect.stringMatching(/ssh journalctl.*Connection refused/su) });
  });
});
