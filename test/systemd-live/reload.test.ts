// `systemctl reload` must run the service's reload listeners and return only
// once they have settled, every time: 20 reloads back to back, each checked.
// On systemd 252 (no Type=notify-reload) a Type=notify unit needs an
// ExecReload= that waits for the service; `kill -HUP $MAINPID` alone races
// (measured on systemd 252: 2 of 8 reloads returned before RELOADING=1).
import { afterEach, describe, expect, test } from 'vitest';
import { events, fixtureArgs, guest, removeService, ring, servicehost, serviceName } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`reload under systemd (${ring.backend})`, () => {
  test('systemctl reload runs the reload listener and returns after it settled, in each of 20 back-to-back reloads', async () => {
    const name = serviceName('reload');
    made.push(name);
    const installed = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name, { reloadMs: 300 })]);
    expect(installed.code, installed.stderr).toBe(0);
    // The loop runs in the guest, so nothing between a reload's return and its check can let a late listener catch up.
    const unit = `${name}.service`;
    const script = [
      'for i in $(seq 1 20); do',
      `  systemctl reload ${unit} || { echo "reload $i: systemctl reload exited $?"; exit 10; }`,
      `  ended=$(grep -c '"reload-end"' /results/${name}.jsonl)`,
      '  [ "$ended" -eq "$i" ] || { echo "reload $i returned with $ended listeners settled"; exit 11; }',
      'done',
    ].join('\n');
    const run = await guest(['/bin/bash', '-c', script], { timeoutMs: 60_000 });
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    const recorded = await events(name);
    expect(recorded.filter((event) => event.event === 'reload-begin')).toHaveLength(20);
    const state = await guest(['systemctl', 'show', '-p', 'ActiveState,SubState,NRestarts', unit]);
    expect(state.stdout).toContain('ActiveState=active');
    expect(state.stdout).toContain('NRestarts=0');
  });

  test('a program with no reload listener: systemctl reload fails and the service keeps running (SIGHUP would have stopped it)', async () => {
    const name = serviceName('noreload');
    made.push(name);
    const installed = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name)]);
    expect(installed.code, installed.stderr).toBe(0);
    const unit = `${name}.service`;
    const before = await guest(['systemctl', 'show', '-p', 'MainPID', unit]);
    const reload = await guest(['systemctl', 'reload', unit]);
    expect(reload.code).not.toBe(0);
    const journal = await guest(['journalctl', '-u', unit, '--no-pager', '-o', 'cat']);
    expect(journal.stdout).toContain("does not listen for 'reload'");
    const after = await guest(['systemctl', 'show', '-p', 'ActiveState,MainPID', unit]);
    expect(after.stdout).toContain('ActiveState=active');
    expect(after.stdout).toContain(before.stdout.trim());
  });
});
