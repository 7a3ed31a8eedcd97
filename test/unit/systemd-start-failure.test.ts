// What `servicehost start` says when systemd's start job fails: read from
// `systemctl show`, the program's own end and what systemd does next.
import { describe, expect, test } from 'vitest';
import { describeStartFailure } from '../../lib/manage/systemd/systemctl-show';

describe('describeStartFailure', () => {
  test('an exit status, and a restart that Restart=on-failure has scheduled', () => {
    const said = describeStartFailure('api', { ActiveState: 'activating', SubState: 'auto-restart', Result: 'exit-code', ExecMainCode: '1', ExecMainStatus: '70', RestartUSec: '1s' });
    expect(said).toBe('"api" stopped while starting: the program exited with status 70 (result: exit-code); systemd restarts it in 1s (Restart=on-failure): `servicehost status api` shows whether it came up. `servicehost logs api` (journalctl -u api.service) says why');
  });

  test("the start of an install: the rollback, not systemd's restart that it cancels", () => {
    const said = describeStartFailure('api', { ActiveState: 'activating', SubState: 'auto-restart', Result: 'exit-code', ExecMainCode: '1', ExecMainStatus: '70', RestartUSec: '1s' }, 'install');
    expect(said).toContain('the program exited with status 70 (result: exit-code); the install is rolled back, so nothing of it is left.');
    expect(said).not.toMatch(/restarts it/u);
  });

  test('a signal, failed for good: nothing about a restart', () => {
    const said = describeStartFailure('api', { ActiveState: 'failed', SubState: 'failed', Result: 'signal', ExecMainCode: '2', ExecMainStatus: '9' });
    expect(said).toContain('the program was killed by signal 9 (result: signal)');
    expect(said).not.toMatch(/restart/u);
  });

  test('no READY=1 in time', () => {
    expect(describeStartFailure('api', { SubState: 'failed', Result: 'timeout', ExecMainCode: '0' })).toContain('the program did not start; it did not send READY=1 within TimeoutStartSec');
  });
});
