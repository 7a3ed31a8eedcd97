// `systemctl reload` must run the service's reload listeners and return only
// once they have settled, every time: 20 reloads back to back, each checked,
// on each release of the ring. On systemd 252 (no Type=notify-reload) a
// Type=notify unit needs an ExecReload= that waits for the service; `kill -HUP
// $MAINPID` alone races (measured on systemd 252: 2 of 8 reloads returned
// before RELOADING=1). On 253 and later install writes Type=notify-reload:
// systemd sends SIGHUP and waits for RELOADING=1 (with MONOTONIC_USEC) and READY=1.
import { afterEach, describe, expect, test } from 'vitest';
import { events, fixtureArgs, guest, removeService, ring, servicehost, serviceName, show } from './harness/guest';

/** The reload path install picks for this guest's systemd. */
const notifyReload = ring.systemd >= 253;
const path = notifyReload ? 'Type=notify-reload' : 'the ExecReload= helper';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`reload under systemd (${ring.backend})`, () => {
  test(`systemctl reload runs the reload listener once and returns after it settled, in order, in each of 20 back-to-back reloads (systemd ${ring.systemd}: ${path})`, async () => {
    const name = serviceName('reload');
    made.push(name);
    const installed = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name, { reloadMs: 300 })]);
    expect(installed.code, installed.stderr).toBe(0);
    const unitShown = await show(`${name}.service`, ['Type', 'ExecReload']);
    expect(unitShown.Type).toBe(notifyReload ? 'notify-reload' : 'notify');
    expect((unitShown.ExecReload ?? '').includes('reload-wait.js')).toBe(!notifyReload);
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
    // Each listener ran once, one after the other: begin 1, end 1, begin 2, end 2, ...
    const reloads = recorded.filter((event) => event.event === 'reload-begin' || event.event === 'reload-end').map((event) => `${event.event} ${String(event.n)}`);
    expect(reloads).toEqual(Array.from({ length: 20 }, (_, index) => [`reload-begin ${index + 1}`, `reload-end ${index + 1}`]).flat());
    const state = await guest(['systemctl', 'show', '-p', 'ActiveState,SubState,NRestarts', unit]);
    expect(state.stdout).toContain('ActiveState=active');
    expect(state.stdout).toContain('NRestarts=0');
  });

  test(`a program with no reload listener: the service keeps running (SIGHUP would have stopped it); systemctl reload ${notifyReload ? 'succeeds with nothing reloaded and a warning (Type=notify-reload: the answer is RELOADING=1, READY=1)' : 'fails (the helper refuses)'} (systemd ${ring.systemd})`, async () => {
    const name = serviceName('noreload');
    made.push(name);
    const installed = await servicehost(['install', '--name', name, '--', ...fixtureArgs(name)]);
    expect(installed.code, installed.stderr).toBe(0);
    const unit = `${name}.service`;
    const before = await guest(['systemctl', 'show', '-p', 'MainPID', unit]);
    const reload = await guest(['systemctl', 'reload', unit]);
    if (notifyReload) expect(reload.code, reload.stderr).toBe(0);
    else expect(reload.code).not.toBe(0);
    const journal = await guest(['journalctl', '-u', unit, '--no-pager', '-o', 'cat']);
    expect(journal.stdout).toContain("does not listen for 'reload'");
    const after = await guest(['systemctl', 'show', '-p', 'ActiveState,MainPID', unit]);
    expect(after.stdout).toContain('ActiveState=active');
    expect(after.stdout).toContain(before.stdout.trim());
  });
});
