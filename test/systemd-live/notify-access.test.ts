// A unit servicehost writes has NotifyAccess=main. A Service made in another
// process of the unit (here a forked child) would have its READY=1 dropped by
// systemd, and the start would time out: the Service says so in the journal
// at once, naming both PIDs (from SYSTEMD_EXEC_PID, systemd 248 and later).
import { afterEach, describe, expect, test } from 'vitest';
import { FIXTURES, check, guest, removeService, ring, servicehost, serviceName, show, waitFor } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`NotifyAccess=main and the process that sends, under systemd ${ring.systemd} (${ring.release})`, () => {
  test('a Service in a child of the unit\'s program warns that systemd drops its notifications, and its READY=1 does not count', async () => {
    const name = serviceName('notify-child');
    made.push(name);
    const unit = `${name}.service`;
    const installed = await servicehost(['install', '--no-start', '--name', name, '--', `${FIXTURES}/notify-from-child.js`]);
    expect(installed.code, installed.stderr).toBe(0);
    await check(['systemctl', 'start', '--no-block', unit]);
    const { MainPID: mainPid } = await show(unit, ['MainPID']);
    const journal = await waitFor('the warning in the journal', async () => {
      const run = await guest(['journalctl', '-u', unit, '--no-pager', '-o', 'cat']);
      return run.stdout.includes('is not the one systemd started') ? run.stdout : undefined;
    });
    expect(journal).toContain(`(SYSTEMD_EXEC_PID=${mainPid})`);
    // The child's READY=1 did not count: the unit is still starting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await show(unit, ['ActiveState'])).ActiveState).toBe('activating');
  });
});
