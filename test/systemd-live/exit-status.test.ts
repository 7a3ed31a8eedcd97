// EXIT_STATUS= goes out with every exit (issue 23). systemd 254 and later read
// it; 252 ignores a field it does not know. Either way PID 1 receives it from
// the main process (its debug log names each notification) and the stop ends
// cleanly: Result=success, ExecMainStatus=0, nothing in `systemctl --failed`.
import { afterEach, describe, expect, test } from 'vitest';
import { check, fixtureArgs, guest, removeService, ring, servicehost, serviceName, show } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`EXIT_STATUS= under systemd ${ring.systemd} (${ring.release})`, () => {
  test(`a stop sends EXIT_STATUS=0 from the main process, and the unit stops cleanly (systemd ${ring.systemd} ${ring.systemd >= 254 ? 'reads it' : 'ignores it'})`, async () => {
    const name = serviceName('exit-status');
    made.push(name);
    const unit = `${name}.service`;
    const installed = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name)]);
    expect(installed.code, installed.stderr).toBe(0);
    const { MainPID: mainPid } = await show(unit, ['MainPID']);
    const level = (await check(['systemd-analyze', 'log-level'])).trim();
    // PID 1 at debug only for the stop: its debug log lists each notification it takes.
    await check(['systemd-analyze', 'log-level', 'debug']);
    try {
      await check(['systemctl', 'stop', unit]);
    } finally {
      await check(['systemd-analyze', 'log-level', level]);
    }
    const journal = await guest(['journalctl', '-u', unit, '--no-pager', '-o', 'cat']);
    // 252 writes "from PID 77 (EXIT_STATUS=0)", 257 "from PID 77: EXIT_STATUS=0".
    expect(journal.stdout).toMatch(new RegExp(`${unit.replaceAll('.', '\\.')}: Got notification message from PID ${mainPid}(: | \\()EXIT_STATUS=0\\b`, 'u'));
    expect(await show(unit, ['ActiveState', 'Result', 'ExecMainStatus'])).toEqual({ ActiveState: 'inactive', Result: 'success', ExecMainStatus: '0' });
    expect((await check(['systemctl', '--failed', '--no-legend', '--plain'])).includes(unit)).toBe(false);
  });
});
