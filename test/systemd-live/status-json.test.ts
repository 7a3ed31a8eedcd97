// `servicehost status --json` (and servicehost/manage's query()) against what
// systemd itself says (`systemctl show`), running and after a failure.
import { afterEach, describe, expect, test } from 'vitest';
import { FIXTURES, fixtureArgs, guest, removeService, ring, servicehost, serviceName, show, waitFor } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

const SHOWN = ['ActiveState', 'SubState', 'Result', 'MainPID', 'ExecMainStatus', 'UnitFileState', 'NRestarts', 'Description'];

async function status(name: string): Promise<{ code: number; info: Record<string, unknown> & { systemd: Record<string, unknown> } }> {
  const run = await servicehost(['status', name, '--json']);
  return { code: run.code, info: JSON.parse(run.stdout) };
}

describe.skipIf(!ring.available)(`status --json against systemctl show (${ring.backend})`, () => {
  test('running: state, pid, enabled, restarts and the unit as installed', async () => {
    const name = serviceName('status');
    made.push(name);
    const args = fixtureArgs(name);
    expect((await servicehost(['install', '--name', name, '--description', 'status 100% live', '--', ...args])).code).toBe(0);
    const shown = await show(`${name}.service`, SHOWN);
    const { code, info } = await status(name);
    expect(code).toBe(0);
    expect(info).toMatchObject({
      name,
      platform: 'systemd',
      state: 'running',
      pid: Number(shown.MainPID),
      enabled: shown.UnitFileState === 'enabled',
      description: shown.Description,
      account: 'root',
      argv: ['/usr/local/bin/node', '--require', '/checkout/dist/register.js', ...args],
      workingDirectory: FIXTURES,
      systemd: { unitPath: `/etc/systemd/system/${name}.service`, activeState: shown.ActiveState, subState: shown.SubState, result: shown.Result, unitFileState: shown.UnitFileState, restarts: Number(shown.NRestarts) },
    });
    expect(info.exitCode).toBeUndefined();
  });

  test('failed for good (servicehost/manage install with restart "no"): state failed, exit code 70 as ExecMainStatus', async () => {
    const name = serviceName('statusfailed');
    made.push(name);
    const spec = { name, script: `${FIXTURES}/live-service.js`, args: [JSON.stringify({ name, failAttempts: 99 })], start: false, systemd: { restart: 'no' } };
    const installed = await guest(['node', '-e', `require('/checkout/dist/manage.js').install(${JSON.stringify(spec)}).then((r) => console.log(JSON.stringify(r)))`]);
    expect(installed.code, installed.stderr).toBe(0);
    await guest(['systemctl', 'start', `${name}.service`]);
    await waitFor('the failure', async () => (await show(`${name}.service`, ['ActiveState'])).ActiveState === 'failed');
    const shown = await show(`${name}.service`, SHOWN);
    const { code, info } = await status(name);
    expect(code).toBe(3);
    expect(shown.ExecMainStatus).toBe('70');
    expect(info).toMatchObject({ state: 'failed', exitCode: 70, systemd: { activeState: 'failed', subState: 'failed', result: 'exit-code', restarts: 0 } });
    expect(info.pid).toBeUndefined();
    // The command ends with the program's last lines (the journal), which say why.
    const { output, ...queriedFields } = info;
    expect((output as string[]).join('\n')).toContain('start fails on purpose');
    // manage's query() says the same as the command, less those lines (logs() reads them).
    const queried = await guest(['node', '-e', `require('/checkout/dist/manage.js').query(${JSON.stringify(name)}).then((i) => console.log(JSON.stringify(i)))`]);
    expect(JSON.parse(queried.stdout)).toEqual(queriedFields);
  });
});
