// The reload helper signals only a process of its own unit, told by cgroup:
// under a real systemd its ExecReload= shares the main process's cgroup (so a
// reload goes through), and run in another unit it refuses a process that is
// not its unit's, which keeps running.
import { afterEach, describe, expect, test } from 'vitest';
import { GUEST_CHECKOUT } from '../../scripts/systemd-live.mjs';
import { check, events, fixtureArgs, guest, removeService, ring, servicehost, serviceName, sh, show } from './harness/guest';

const HELPER = `${GUEST_CHECKOUT}/dist/hosts/systemd/reload-wait.js`;
const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`the reload helper's cgroup check under systemd (${ring.backend})`, () => {
  // The helper is the reload path of systemd 252 and older; on 253+ install writes Type=notify-reload and no ExecReload=.
  test.skipIf(ring.systemd >= 253)(`(systemd 252 and older; this guest runs ${ring.systemd}) ExecReload= runs in the main process's cgroup: the reload goes through; another unit's process is refused and survives`, async () => {
    const name = serviceName('guard');
    made.push(name);
    // --allow-writable: the checkout in the guest is not root's alone; the check is not what this test is about.
    const installed = await servicehost(['install', '--allow-writable', '--name', name, '--', ...fixtureArgs(name, { reloadMs: 100 })]);
    expect(installed.code, installed.stderr).toBe(0);
    const unit = `${name}.service`;
    const reload = await guest(['systemctl', 'reload', unit]);
    expect(reload.code, `${reload.stdout}${reload.stderr}`).toBe(0);
    expect((await events(name)).filter((event) => event.event === 'reload-end')).toHaveLength(1);
    const { MainPID: mainPid } = await show(unit, ['MainPID']);
    expect(await check(['cat', `/proc/${mainPid}/cgroup`])).toContain(`/system.slice/${unit}`);

    // The helper in a unit of its own (its own RuntimeDirectory=, the accepts file made), handed the service's main PID.
    const stray = `${name}-stray`;
    const run = await sh(
      `systemd-run --quiet --wait --collect --unit=${stray} -p RuntimeDirectory=${stray} -p RuntimeDirectoryMode=0700 ` +
        `/bin/sh -c 'touch "$RUNTIME_DIRECTORY/servicehost-accepts-reload" && exec /usr/local/bin/node ${HELPER} ${mainPid}'; ` +
        `echo "exit $?"; journalctl -u ${stray} --no-pager -o cat`,
    );
    expect(run.stdout).toMatch(/exit [1-9]/u);
    expect(run.stdout).toContain(`process ${mainPid} is not in this unit's cgroup`);
    const after = await show(unit, ['ActiveState', 'MainPID', 'NRestarts']);
    expect(after).toMatchObject({ ActiveState: 'active', MainPID: mainPid, NRestarts: '0' });
    expect((await events(name)).filter((event) => event.event === 'reload-begin')).toHaveLength(1);
  });
});
