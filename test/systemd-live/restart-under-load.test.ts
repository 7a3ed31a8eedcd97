// Zero-downtime restarts: `servicehost install --listen` has systemd hold the
// listening socket, and the program takes it with service.listen(). A real
// client process (bench/restart-under-load.mjs, in the guest) keeps keep-alive
// and fresh connections going at a steady rate, with slow requests in flight,
// across 5 `systemctl restart` and 5 `servicehost restart`: with --listen no
// request is refused, reset or lost; the same server installed without
// --listen (it binds the port itself) is refused while it restarts.
import { afterEach, describe, expect, test } from 'vitest';
import { CLI, FIXTURES, check, failedUnits, guest, removeService, ring, servicehost, serviceName, show } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

const BENCH = '/checkout/bench/restart-under-load.mjs';

async function install(label: string, port: number, flags: string[]): Promise<string> {
  const name = serviceName(label);
  made.push(name);
  const run = await servicehost(['install', '--name', name, ...flags, '--', `${FIXTURES}/restart-server.js`, JSON.stringify({ port })]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return name;
}

interface LoadResult {
  ok: number;
  refused: number;
  reset: number;
  failed: number;
  slowOk: number;
  restarts: number;
  restartMs: number[];
  pids: number[];
  failures: unknown[];
  error?: string;
}

async function restartUnderLoad(name: string, port: number, restarts: number): Promise<LoadResult> {
  const restart = [JSON.stringify(['systemctl', 'restart', `${name}.service`]), JSON.stringify(['node', CLI, 'restart', name])];
  const run = await guest(['node', BENCH, '--port', String(port), '--restarts', String(restarts), ...restart.flatMap((argv) => ['--restart', argv])], { timeoutMs: 240_000 });
  expect(run.code, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as LoadResult;
  console.log(`[restart under load] ${name}: ${JSON.stringify(result)}`);
  return result;
}

const port = (offset: number) => 30_000 + ((process.pid * 4 + offset) % 20_000);

describe.skipIf(!ring.available)(`zero-downtime restarts under systemd (${ring.backend})`, () => {
  test('install --listen: the socket unit and the service both run, the program serves on the inherited socket; uninstall removes both', async () => {
    const listenPort = port(0);
    const name = await install('listen', listenPort, ['--listen', `web=127.0.0.1:${listenPort}`]);
    expect(await show(`${name}.socket`, ['ActiveState', 'UnitFileState', 'Listen'])).toEqual({ ActiveState: 'active', UnitFileState: 'enabled', Listen: `127.0.0.1:${listenPort} (Stream)` });
    expect(await show(`${name}.service`, ['ActiveState', 'Requires', 'TriggeredBy'])).toMatchObject({ ActiveState: 'active', TriggeredBy: `${name}.socket` });
    const journal = await check(['journalctl', '-u', `${name}.service`, '-o', 'cat', '--no-pager']);
    expect(journal).toMatch(new RegExp(`listening on ${listenPort}: the socket systemd holds \\(fd 3, web\\)`, 'u'));
    const status = JSON.parse((await servicehost(['status', name, '--json', '--no-output'])).stdout) as { systemd: { sockets: unknown } };
    expect(status.systemd.sockets).toEqual([{ unit: `${name}.socket`, address: `127.0.0.1:${listenPort}`, name: 'web' }]);

    // A stop closes the port too (a socket left listening would start the service again); start brings both back.
    expect((await servicehost(['stop', name])).code).toBe(0);
    expect((await show(`${name}.socket`, ['ActiveState'])).ActiveState).toBe('inactive');
    expect((await servicehost(['start', name])).code).toBe(0);
    expect((await show(`${name}.socket`, ['ActiveState'])).ActiveState).toBe('active');

    const removed = await servicehost(['uninstall', name]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await guest(['ls', `/etc/systemd/system/${name}.socket`])).code).not.toBe(0);
    expect((await show(`${name}.socket`, ['LoadState'])).LoadState).toBe('not-found');
  });

  test('--on-demand: only the socket runs after install; the first connection starts the service', async () => {
    const listenPort = port(1);
    const name = await install('on-demand', listenPort, ['--listen', String(listenPort), '--on-demand']);
    expect((await show(`${name}.socket`, ['ActiveState'])).ActiveState).toBe('active');
    expect((await show(`${name}.service`, ['ActiveState'])).ActiveState).toBe('inactive');
    const reply = await guest(['curl', '-sS', '--max-time', '20', `http://127.0.0.1:${listenPort}/`]);
    expect(reply.code, reply.stderr).toBe(0);
    const state = await show(`${name}.service`, ['ActiveState', 'MainPID']);
    expect(state.ActiveState).toBe('active');
    expect(JSON.parse(reply.stdout)).toEqual({ pid: Number(state.MainPID) });
  });

  test('install --listen on a port in use exits 8, says which socket, and leaves nothing behind', async () => {
    const busyPort = port(4);
    const holder = `holder-${process.pid}`;
    await check(['systemd-run', `--unit=${holder}`, 'node', '-e', `require('node:net').createServer().listen(${busyPort})`]);
    try {
      const waitListening = `const net = require('node:net'); (function probe(left) { net.connect(${busyPort}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => (left > 0 ? setTimeout(probe, 50, left - 1) : process.exit(1))); })(200);`;
      await check(['node', '-e', waitListening]);
      const name = serviceName('busy');
      made.push(name);
      const run = await servicehost(['install', '--name', name, '--listen', String(busyPort), '--', `${FIXTURES}/restart-server.js`, JSON.stringify({ port: busyPort })]);
      expect(run.code, run.stderr).toBe(8);
      expect(run.stderr).toMatch(new RegExp(`its socket \\(${name}\\.socket\\) could not start listening.*rolled back`, 'u'));
      expect((await guest(['ls', `/etc/systemd/system/${name}.socket`, `/etc/systemd/system/${name}.service`])).code).not.toBe(0);
      expect(await failedUnits()).not.toContain(`${name}.socket`);
    } finally {
      await guest(['systemctl', 'stop', holder]);
    }
  });

  // Each restart is spaced 2.5 s (systemd's start limit): 6 here, and 4 for the comparison, keep the ring's
  // time in bounds; bench/restart-under-load.mjs runs as many as asked (BENCHMARKS.md has 10 of each).
  test('6 restarts under load (3 systemctl restart, 3 servicehost restart): 0 refused, reset or failed with --listen; without it, refused', async () => {
    const withPort = port(2);
    const withListen = await install('zero', withPort, ['--listen', String(withPort)]);
    const held = await restartUnderLoad(withListen, withPort, 6);
    expect(held.error).toBeUndefined();
    expect(held.restarts).toBe(6);
    // Every restart brought a new process, and each served.
    expect(held.pids.length).toBe(7);
    expect(held.slowOk).toBeGreaterThan(20);
    expect({ refused: held.refused, reset: held.reset, failed: held.failed, failures: held.failures }).toEqual({ refused: 0, reset: 0, failed: 0, failures: [] });

    const withoutPort = port(3);
    const bare = await install('bare', withoutPort, []);
    const closed = await restartUnderLoad(bare, withoutPort, 4);
    expect(closed.error).toBeUndefined();
    expect(closed.restarts).toBe(4);
    // The comparison: the port is closed while the old process is gone and the new one starts.
    expect(closed.refused).toBeGreaterThan(0);
  }, 600_000);
});
