// --listen beyond one port of a system unit: who may connect to a socket
// file (0660 by default, owned by the --run-as account; --listen-group and
// --listen-mode open it), a --user unit's sockets under the user's own
// systemd (lingering), and `configure` adding and dropping a socket while the
// service runs. Proven with `stat` of the socket node and connections made
// as other users of the guest.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURES, check, failedUnits, guest, ring, servicehost, serviceName, sh, show, waitFor } from './harness/guest';

const owner = { name: 'listenowner', uid: 1521 };
const peer = { name: 'listenpeer', uid: 1522 };
const stranger = { name: 'listenstranger', uid: 1523 };
const lingering = { name: 'listenuser', uid: 1524 };
const PEERS = 'listenpeers';

const made: Array<{ name: string; user?: typeof lingering }> = [];
afterEach(async () => {
  for (const { name, user } of made.splice(0)) {
    const scope = user ? ['--user'] : [];
    await servicehost(['uninstall', ...scope, name], user ? { user } : {});
  }
});

const port = (offset: number) => 30_000 + ((process.pid * 4 + 2000 + offset) % 20_000);

async function install(label: string, targets: Array<string | number>, flags: string[], user?: typeof lingering): Promise<string> {
  const name = serviceName(label);
  made.push(user ? { name, user } : { name });
  const run = await servicehost(['install', ...(user ? ['--user'] : []), '--name', name, ...flags, '--', `${FIXTURES}/listen-server.js`, JSON.stringify({ targets })], user ? { user } : {});
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return name;
}

/** GET / through `target` (a port on 127.0.0.1, or a socket path), as `user` (root when none): the curl exit code and the body. */
async function get(target: string | number, user?: { name: string; uid: number }): Promise<{ code: number; body: string; stderr: string }> {
  const via = typeof target === 'number' ? [`http://127.0.0.1:${target}/`] : ['--unix-socket', target, 'http://localhost/'];
  const run = await guest(['curl', '-sS', '--max-time', '10', ...via], user ? { user } : {});
  return { code: run.code, body: run.stdout, stderr: run.stderr };
}

/** A bare connect to a socket file as `user`: 'connected', or the error's code (EACCES when the file's mode refuses). */
async function connectAs(file: string, user: { name: string; uid: number }): Promise<string> {
  const probe = `require('node:net').connect(process.argv[1]).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (error) => { console.log(error.code); process.exit(0); });`;
  return (await check(['node', '-e', probe, file], { user })).trim();
}

/** `stat` of a socket node: its type, mode, owner and group. */
async function statOf(file: string): Promise<string> {
  return (await check(['stat', '-c', '%F %a %U %G', file])).trim();
}

describe.skipIf(!ring.available)(`--listen sockets under systemd (${ring.backend})`, () => {
  beforeAll(async () => {
    await sh(`getent group ${PEERS} >/dev/null || groupadd ${PEERS}`);
    for (const user of [owner, peer, stranger, lingering]) await sh(`id ${user.name} >/dev/null 2>&1 || useradd --create-home --uid ${user.uid} ${user.name}`);
    await check(['usermod', '-a', '-G', PEERS, peer.name]);
    await check(['loginctl', 'enable-linger', lingering.name]);
    await waitFor("the lingering user's manager", async () => (await show(`user@${lingering.uid}.service`, ['ActiveState'])).ActiveState === 'active', 20_000);
  });

  afterAll(async () => {
    await guest(['loginctl', 'disable-linger', lingering.name]);
  });

  test('a socket file is 0660 and its account\'s by default: the service\'s user connects, another user is refused; --listen-group and --listen-mode open it', async () => {
    const file = `/run/${serviceName('sock')}.sock`;
    const name = await install('closed', [file], ['--listen', file, '--run-as', owner.name]);
    expect(await show(`${name}.socket`, ['ActiveState', 'SocketMode', 'SocketUser'])).toEqual({ ActiveState: 'active', SocketMode: '0660', SocketUser: owner.name });
    expect(await statOf(file)).toBe(`socket 660 ${owner.name} ${owner.name}`);
    const served = await get(file, owner);
    expect(served.code, served.stderr).toBe(0);
    expect(JSON.parse(served.body)).toMatchObject({ pid: Number((await show(`${name}.service`, ['MainPID'])).MainPID), target: file });
    expect(await connectAs(file, stranger)).toBe('EACCES');
    expect(await connectAs(file, owner)).toBe('connected');
    await servicehost(['uninstall', name]);

    // --listen-group: its members connect (a web server's group, say); others still cannot.
    const grouped = await install('grouped', [file], ['--listen', file, '--run-as', owner.name, '--listen-group', PEERS]);
    expect(await statOf(file)).toBe(`socket 660 ${owner.name} ${PEERS}`);
    // status --json says who may connect: the mode and the group, as the socket unit has them.
    const status = JSON.parse((await servicehost(['status', grouped, '--json', '--no-output'])).stdout) as { systemd: { sockets: unknown } };
    expect(status.systemd.sockets).toEqual([{ unit: `${grouped}.socket`, address: file, name: file, mode: '0660', group: PEERS }]);
    expect((await get(file, peer)).code).toBe(0);
    expect(await connectAs(file, stranger)).toBe('EACCES');
    await servicehost(['uninstall', grouped]);

    // --listen-mode 0666: every local user, deliberately, and the install says so.
    const open = serviceName('open');
    made.push({ name: open });
    const opened = await servicehost(['install', '--name', open, '--listen', file, '--run-as', owner.name, '--listen-mode', '0666', '--', `${FIXTURES}/listen-server.js`, JSON.stringify({ targets: [file] })]);
    expect(opened.code, opened.stdout + opened.stderr).toBe(0);
    expect(opened.stderr).toContain(`warning: --listen-mode 0666 (systemd.listenMode) lets every local user connect to ${file}`);
    expect(await statOf(file)).toBe(`socket 666 ${owner.name} ${owner.name}`);
    expect((await get(file, stranger)).code).toBe(0);
    expect(await connectAs(file, stranger)).toBe('connected');
  });

  test('--listen-group naming no group fails the socket\'s start: install exits 8 and is rolled back', async () => {
    const file = `/run/${serviceName('nogroup')}.sock`;
    const name = serviceName('nogroup');
    made.push({ name });
    const run = await servicehost(['install', '--name', name, '--listen', file, '--listen-group', 'no-such-group', '--', `${FIXTURES}/listen-server.js`, JSON.stringify({ targets: [file] })]);
    expect(run.code, run.stdout + run.stderr).toBe(8);
    expect(run.stderr).toMatch(new RegExp(`its socket \\(${name}\\.socket\\) could not start listening`, 'u'));
    expect((await guest(['ls', `/etc/systemd/system/${name}.socket`, `/etc/systemd/system/${name}.service`, file])).code).not.toBe(0);
    expect(await failedUnits()).not.toContain(`${name}.socket`);
  });

  test('--user --listen: the socket runs in the user\'s own systemd, holds the port across a restart, and goes with uninstall', async () => {
    const listenPort = port(0);
    const file = `/run/user/${lingering.uid}/${serviceName('user')}.sock`;
    const name = await install('user-listen', [listenPort, file], ['--listen', String(listenPort), '--listen', `api=${file}`], lingering);
    const as = { user: lingering, userScope: true };
    expect(await show(`${name}.socket`, ['ActiveState', 'UnitFileState', 'Listen'], as)).toEqual({ ActiveState: 'active', UnitFileState: 'enabled', Listen: `[::]:${listenPort} (Stream)` });
    expect(await show(`${name}-2.socket`, ['ActiveState', 'Listen'], as)).toEqual({ ActiveState: 'active', Listen: `${file} (Stream)` });
    // Not in the system manager.
    expect((await show(`${name}.socket`, ['LoadState'])).LoadState).toBe('not-found');
    expect(await statOf(file)).toBe(`socket 660 ${lingering.name} ${lingering.name}`);
    const first = Number((await show(`${name}.service`, ['MainPID'], as)).MainPID);
    expect(JSON.parse((await get(listenPort)).body)).toEqual({ pid: first, target: listenPort });
    expect(JSON.parse((await get(file, lingering)).body)).toEqual({ pid: first, target: file });
    // (The fds come in no fixed order: systemd keeps Sockets= as a set.)
    const taken = new RegExp(`listening on ${listenPort}: the socket systemd holds \\(fd \\d+, ${listenPort}\\)`, 'u');
    await waitFor("the user's service to log the socket it took", async () => taken.test(await check(['journalctl', '--user', '-u', `${name}.service`, '-o', 'cat', '--no-pager'], { user: lingering })));

    expect((await servicehost(['restart', '--user', name], { user: lingering })).code).toBe(0);
    const second = Number((await show(`${name}.service`, ['MainPID'], as)).MainPID);
    expect(second).not.toBe(first);
    expect(JSON.parse((await get(listenPort)).body)).toEqual({ pid: second, target: listenPort });

    made.pop();
    const removed = await servicehost(['uninstall', '--user', name], { user: lingering });
    expect(removed.code, removed.stderr).toBe(0);
    expect((await guest(['ls', `/home/${lingering.name}/.config/systemd/user/${name}.socket`])).code).not.toBe(0);
    expect((await show(`${name}.socket`, ['LoadState'], as)).LoadState).toBe('not-found');
    expect((await get(listenPort)).code).toBe(7);
    expect(await failedUnits({ user: lingering, userScope: true })).toEqual([]);
  });

  test('configure on a running system adds a socket (taken at the next restart) and drops one, and the running service is left running', async () => {
    const [main, admin] = [port(1), port(2)];
    const name = await install('configure', [main], ['--listen', String(main)]);
    const pid = Number((await show(`${name}.service`, ['MainPID'])).MainPID);

    // Added: enabled now, bound when the service next starts (Requires= pulls it in), taken by the new process.
    const added = await servicehost(['configure', '--name', name, '--listen', String(main), '--listen', `admin=127.0.0.1:${admin}`, '--', `${FIXTURES}/listen-server.js`, JSON.stringify({ targets: [main, `127.0.0.1:${admin}`] })]);
    expect(added.code, added.stderr).toBe(0);
    expect(await show(`${name}.service`, ['ActiveState', 'MainPID'])).toEqual({ ActiveState: 'active', MainPID: String(pid) });
    expect((await show(`${name}-2.socket`, ['UnitFileState'])).UnitFileState).toBe('enabled');
    expect((await servicehost(['restart', name])).code).toBe(0);
    const restarted = Number((await show(`${name}.service`, ['MainPID'])).MainPID);
    expect((await show(`${name}-2.socket`, ['ActiveState'])).ActiveState).toBe('active');
    expect(JSON.parse((await get(admin)).body)).toEqual({ pid: restarted, target: `127.0.0.1:${admin}` });
    const taken = new RegExp(`listening on 127\\.0\\.0\\.1:${admin}: the socket systemd holds \\(fd \\d+, admin\\)`, 'u');
    await waitFor('the new process to log the socket it took', async () => taken.test(await check(['journalctl', '-u', `${name}.service`, '-o', 'cat', '--no-pager'])));

    // Dropped: its socket unit stopped, disabled and removed, and the service not stopped with it.
    const dropped = await servicehost(['configure', '--name', name, '--listen', String(main), '--', `${FIXTURES}/listen-server.js`, JSON.stringify({ targets: [main] })]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(await show(`${name}.service`, ['ActiveState', 'MainPID', 'Requires'])).toMatchObject({ ActiveState: 'active', MainPID: String(restarted) });
    expect((await show(`${name}-2.socket`, ['LoadState'])).LoadState).toBe('not-found');
    expect((await guest(['ls', `/etc/systemd/system/${name}-2.socket`])).code).not.toBe(0);
    expect((await servicehost(['restart', name])).code).toBe(0);
    expect((await get(admin)).code).toBe(7);
    expect(JSON.parse((await get(main)).body)).toMatchObject({ target: main });
    expect(await failedUnits()).toEqual([]);
  });
});
