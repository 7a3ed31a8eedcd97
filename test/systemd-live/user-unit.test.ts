// A per-user unit (servicehost install --user) under the user's own systemd,
// which lingering (loginctl enable-linger) keeps running with no login.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { check, events, fixtureArgs, guest, ring, servicehost, serviceName, sh, show, waitFor } from './harness/guest';

const user = { name: 'livetester', uid: 1500 };

describe.skipIf(!ring.available)(`a --user unit with lingering (${ring.backend})`, () => {
  beforeAll(async () => {
    await sh(`id ${user.name} >/dev/null 2>&1 || useradd --create-home --uid ${user.uid} ${user.name}`);
    await check(['install', '-d', '-m', '0777', '/results']);
    await check(['loginctl', 'enable-linger', user.name]);
    await waitFor("the user's manager", async () => (await show(`user@${user.uid}.service`, ['ActiveState'])).ActiveState === 'active', 20_000);
  });

  afterAll(async () => {
    await guest(['loginctl', 'disable-linger', user.name]);
  });

  test('install, status, stop and uninstall as the user; the service runs as the user, under user@.service', async () => {
    const name = serviceName('user');
    const installed = await servicehost(['install', '--user', '--name', name, '--', ...fixtureArgs(name)], { user });
    expect(installed.code, `${installed.stdout}${installed.stderr}`).toBe(0);
    expect(installed.stdout).toContain(`/home/${user.name}/.config/systemd/user/${name}.service`);
    const unit = `${name}.service`;
    const state = await show(unit, ['ActiveState', 'MainPID', 'ControlGroup', 'UnitFileState'], { user, userScope: true });
    expect(state.ActiveState).toBe('active');
    expect(state.UnitFileState).toBe('enabled');
    expect(state.ControlGroup).toContain(`/user.slice/user-${user.uid}.slice/user@${user.uid}.service/`);
    const boot = (await events(name)).find((event) => event.event === 'boot')!;
    expect(boot.uid).toBe(user.uid);
    expect(boot.pid).toBe(Number(state.MainPID));
    // Not in the system manager.
    expect((await show(unit, ['LoadState'])).LoadState).toBe('not-found');

    const status = await servicehost(['status', '--user', name, '--json'], { user });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'running', pid: Number(state.MainPID), account: user.name });

    expect((await servicehost(['stop', '--user', name], { user })).code).toBe(0);
    expect((await servicehost(['status', '--user', name], { user })).code).toBe(3);
    expect((await servicehost(['uninstall', '--user', name], { user })).code).toBe(0);
    expect((await guest(['test', '-e', `/home/${user.name}/.config/systemd/user/${name}.service`])).code).not.toBe(0);
    expect((await check(['systemctl', '--user', '--failed', '--no-legend', '--plain'], { user })).trim()).toBe('');
  });
});
