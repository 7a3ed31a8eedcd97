// Socket activation through a .socket unit: systemd listens, the first
// connection starts the servicehost-installed service, which gets the socket
// as LISTEN_FDS (listenFds()) and serves on it. Loopback only.
import { afterEach, describe, expect, test } from 'vitest';
import { check, events, fixtureArgs, guest, removeService, ring, servicehost, serviceName, show } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

const CLIENT = `
const net = require('node:net');
const socket = net.connect(Number(process.argv[1]), '127.0.0.1');
let data = '';
socket.on('data', (chunk) => (data += chunk)).on('end', () => process.stdout.write(data));
socket.on('error', (error) => { console.error(error.message); process.exit(1); });
`;

describe.skipIf(!ring.available)(`socket activation under systemd (${ring.backend})`, () => {
  test('the first connection to the .socket unit starts the service, which serves on the inherited fd', async () => {
    const name = serviceName('socket');
    made.push(name);
    const port = 20_000 + (process.pid % 10_000);
    const installed = await servicehost(['install', '--no-start', '--name', name, '--', ...fixtureArgs(name, { listen: 'activated' })]);
    expect(installed.code, installed.stderr).toBe(0);
    await check(['sh', '-c', `printf '[Socket]\\nListenStream=127.0.0.1:${port}\\n\\n[Install]\\nWantedBy=sockets.target\\n' > /etc/systemd/system/${name}.socket && systemctl daemon-reload`]);
    await check(['systemctl', 'start', `${name}.socket`]);
    expect((await show(`${name}.service`, ['ActiveState'])).ActiveState).toBe('inactive');

    const reply = await guest(['node', '-e', CLIENT, String(port)], { timeoutMs: 20_000 });
    expect(reply.code, reply.stderr).toBe(0);
    const served = JSON.parse(reply.stdout) as { pid: number; fds: number };
    const state = await show(`${name}.service`, ['ActiveState', 'MainPID', 'TriggeredBy']);
    expect(state.ActiveState).toBe('active');
    expect(state.TriggeredBy).toBe(`${name}.socket`);
    expect(served).toEqual({ pid: Number(state.MainPID), fds: 1 });
    expect((await events(name)).find((event) => event.event === 'listen-fds')?.fds).toEqual([{ fd: 3, name: `${name}.socket` }]);

    // A second connection reaches the same process: the socket stays systemd's and the service's.
    const again = JSON.parse((await guest(['node', '-e', CLIENT, String(port)])).stdout) as { pid: number };
    expect(again.pid).toBe(served.pid);
    expect((await servicehost(['stop', name])).code).toBe(0);
    expect((await show(`${name}.socket`, ['ActiveState'])).ActiveState).toBe('active');
  });
});
