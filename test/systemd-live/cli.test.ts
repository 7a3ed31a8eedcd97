// Every verb of the servicehost command against a real systemd, with the exit
// codes the README documents (COMMAND_EXIT_CODES in lib/cli/command-exit-codes.ts), including the ones that
// only a live manager can produce: a start that fails (8), a wait that times
// out (7), a stop bounded by --stop-timeout, and what install and uninstall
// leave behind in /etc/systemd/system and `systemctl --failed`.
import { afterEach, describe, expect, test } from 'vitest';
import { FIXTURES, check, events, failedUnits, fixtureArgs, guest, removeService, ring, servicehost, serviceName, show, sleep, unitTree, waitFor } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

function named(label: string): string {
  const name = serviceName(label);
  made.push(name);
  return name;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

const nobody = { name: 'nobody', uid: 65534 };

describe.skipIf(!ring.available)(`the servicehost command under systemd (${ring.backend})`, () => {
  test('every verb exits with its documented code (0 1 2 3 4 5 6; 9 is Windows only)', async () => {
    const name = named('verbs');
    const unit = `${name}.service`;
    const args = fixtureArgs(name);
    expect((await servicehost(['--help'])).code).toBe(0);
    expect((await servicehost(['frobnicate'])).code).toBe(2);
    expect((await servicehost(['install', '--name', name])).code).toBe(2);

    const installed = await servicehost(['install', '--name', name, '--', ...args]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`Installed ${name} and started it.`);
    expect((await show(unit, ['ActiveState'])).ActiveState).toBe('active');
    const again = await servicehost(['install', '--name', name, '--', ...args]);
    expect(again.code).toBe(6);

    const running = await servicehost(['status', name, '--json']);
    expect(running.code, running.stderr).toBe(0);
    expect(JSON.parse(running.stdout)).toMatchObject({ name, state: 'running', enabled: true });
    const listed = await servicehost(['list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ name, state: 'running' }));

    const configured = await servicehost(['configure', '--name', name, '--description', 'configured live', '--', ...args]);
    expect(configured.code, configured.stderr).toBe(0);
    expect((await show(unit, ['Description'])).Description).toBe('configured live');

    const before = Number((await show(unit, ['MainPID'])).MainPID);
    const restarted = await servicehost(['restart', name]);
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = await show(unit, ['MainPID', 'ActiveState']);
    expect(after.ActiveState).toBe('active');
    expect(Number(after.MainPID)).not.toBe(before);

    // Not root: writing the unit and asking systemd are both refused.
    expect((await servicehost(['install', '--name', `${name}-x`, '--', ...args], { user: nobody })).code).toBe(5);
    expect((await servicehost(['stop', name], { user: nobody })).code).toBe(5);

    const stopped = await servicehost(['stop', name]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`${name}: stopped`);
    expect((await servicehost(['stop', name])).code).toBe(0); // stopping a stopped service succeeds
    expect((await servicehost(['status', name])).code).toBe(3);
    expect((await servicehost(['start', name])).code).toBe(0);
    expect((await show(unit, ['ActiveState'])).ActiveState).toBe('active');

    const removed = await servicehost(['uninstall', name]);
    expect(removed.code, removed.stderr).toBe(0);
    for (const verb of [['status', name], ['start', name], ['stop', name], ['restart', name], ['uninstall', name], ['configure', '--name', name, '--', ...args]]) {
      const run = await servicehost(verb);
      expect(run.code, `${verb.join(' ')}: ${run.stderr}`).toBe(4);
    }

    // A unit servicehost did not write is never removed: exit 1, the file stays.
    await check(['sh', '-c', `printf '[Service]\\nExecStart=/bin/sleep 60\\n' > /etc/systemd/system/${name}.service && systemctl daemon-reload`]);
    expect((await servicehost(['uninstall', name])).code).toBe(1);
    expect((await guest(['test', '-f', `/etc/systemd/system/${name}.service`])).code).toBe(0);
  });

  test('run: the foreground lifecycle, stopped by SIGTERM as the manager would, exits 0', async () => {
    const name = named('run');
    const run = await guest(['timeout', '--preserve-status', '-s', 'TERM', '3', 'node', '/checkout/dist/cli.js', 'run', '--', `${FIXTURES}/live-service.js`, JSON.stringify({ name })]);
    expect(run.code, run.stderr).toBe(0);
    expect((await events(name)).map((event) => [event.event, event.host ?? event.reason ?? null])).toEqual([
      ['boot', 'posix'],
      ['start-begin', null],
      ['running', null],
      ['stop', 'signal'],
      ['stopped', null],
    ]);
  });

  test('start of a service that fails while starting exits 8 (the service stopped while starting)', async () => {
    const name = named('startfail');
    expect((await servicehost(['install', '--no-start', '--name', name, '--', ...fixtureArgs(name, { failAttempts: 99 })])).code).toBe(0);
    const start = await servicehost(['start', name]);
    expect(start.code, start.stderr).toBe(8);
    // And it says why: the program's own exit code.
    expect(start.stderr).toMatch(/exit(ed)? (with )?(code|status) 70|status=70/u);
  });

  test('install whose start fails exits 8 and leaves nothing behind, not even in systemctl --failed', async () => {
    const name = named('installfail');
    const tree = await unitTree();
    const failed = await failedUnits();
    const install = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name, { failAttempts: 99 })]);
    expect(await unitTree()).toEqual(tree);
    // Past RestartSec=1: a restart left scheduled would have come back by now.
    await sleep(2500);
    expect(await failedUnits()).toEqual(failed);
    expect((await check(['systemctl', 'list-units', '--all', '--no-legend', '--plain', `${name}.service`])).trim()).toBe('');
    expect(install.code, install.stderr).toBe(8);
    // It says the rollback happened, not the restart that the rollback cancelled.
    expect(install.stderr).toContain('the install is rolled back, so nothing of it is left');
    expect(install.stderr).not.toMatch(/restarts it in/u);
  });

  test('start --timeout 1000 of a service that needs 5 s exits 7 at the deadline', async () => {
    const name = named('slowstart');
    expect((await servicehost(['install', '--no-start', '--name', name, '--', ...fixtureArgs(name, { startMs: 5000 })])).code).toBe(0);
    const start = await timed(servicehost(['start', name, '--timeout', '1000']));
    // At the deadline, not at the start's end (5 s): 3 s on top of it for the command's own start (node
    // in the guest), which a loaded machine stretches to seconds.
    expect({ code: start.value.code, inTime: start.ms < 1000 + 3000 }, `${start.ms} ms: ${start.value.stdout}${start.value.stderr}`).toEqual({ code: 7, inTime: true });
  });

  test('start when Restart=on-failure brings the service up after a failed first attempt: the message says what systemd does next', async () => {
    const name = named('retry');
    expect((await servicehost(['install', '--no-start', '--name', name, '--', ...fixtureArgs(name, { failAttempts: 1 })])).code).toBe(0);
    const start = await timed(servicehost(['start', name]));
    // What happens (systemd 252): the start job fails with the first attempt;
    // systemd restarts the service RestartSec=1 later and the second attempt runs.
    const up = await waitFor('the second attempt', async () => {
      const state = await show(`${name}.service`, ['ActiveState', 'NRestarts']);
      return state.ActiveState === 'active' && state.NRestarts === '1';
    }, 10_000);
    expect(up).toBe(true);
    const said = `${start.value.stdout}${start.value.stderr}`;
    if (start.value.code === 0) {
      // Waited through the restart: it must say so.
      expect(said).toMatch(/restart/iu);
    } else {
      expect(start.value.code, said).toBe(8);
      // Not "failed" alone: systemd is about to start it again, and the message must say so.
      expect(said).toMatch(/systemd (will )?restart(s)? it in 1 ?s/iu);
    }
  });

  test('--stop-timeout given at install bounds the whole stop: the program and systemd', async () => {
    const name = named('stoptimeout');
    // A teardown step of 20 s; the program is given no deadline of its own: --stop-timeout is the only one.
    const install = await servicehost(['install', '--name', name, '--stop-timeout', '3000', '--', ...fixtureArgs(name, { teardown: [{ ms: 20_000, timeout: 25_000 }] })]);
    expect(install.code, install.stderr).toBe(0);
    const stop = await timed(servicehost(['stop', name]));
    const state = await show(`${name}.service`, ['ActiveState', 'ExecMainStatus', 'TimeoutStopUSec']);
    expect(state.TimeoutStopUSec).toBe('8s');
    // The program ends itself at its deadline (73, stopTimeout): its own stop, timed inside it, took the
    // 3 s and at most 2 s more for a late timer on a loaded machine (the step's own timeout is 25 s).
    const stopped = (await events(name)).find((event) => event.event === 'stopped');
    expect({ exitCode: stopped?.exitCode, inTime: Number(stopped?.durationMs) >= 3000 && Number(stopped?.durationMs) < 3000 + 2000 }, JSON.stringify(stopped)).toEqual({ exitCode: 73, inTime: true });
    // systemd never needs its SIGKILL (8 s): the command returns before it, its own start (node in the
    // guest, which a loaded machine stretches to seconds) on top of the program's stop.
    expect({ stopMs: stop.ms < 8000, exitStatus: state.ExecMainStatus }, `stop took ${stop.ms} ms`).toEqual({ stopMs: true, exitStatus: '73' });
  });

  test('uninstall leaves /etc/systemd/system and systemctl --failed as they were, for a running and for a failed service', async () => {
    const tree = await unitTree();
    const failed = await failedUnits();
    const running = named('uninstall');
    expect((await servicehost(['install', '--name', running, '--', ...fixtureArgs(running)])).code).toBe(0);
    expect(await unitTree()).not.toEqual(tree);
    expect((await servicehost(['uninstall', running])).code).toBe(0);
    expect(await unitTree()).toEqual(tree);
    expect(await failedUnits()).toEqual(failed);

    // One that failed for good: it hit the start limit (5 starts in 10 s) and sits in --failed.
    const broken = named('uninstallfailed');
    await servicehost(['install', '--no-start', '--name', broken, '--', ...fixtureArgs(broken, { failAttempts: 99 })]);
    await guest(['systemctl', 'start', `${broken}.service`]);
    await waitFor('the start limit', async () => (await failedUnits()).includes(`${broken}.service`), 30_000);
    expect((await servicehost(['uninstall', broken])).code).toBe(0);
    expect(await unitTree()).toEqual(tree);
    expect(await failedUnits()).toEqual(failed);
  });
});
