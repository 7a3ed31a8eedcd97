// The lifecycle against a real systemd 252 as PID 1 of the guest: READY and
// STATUS=, stop with its teardown, EXTEND_TIMEOUT_USEC against TimeoutStopSec,
// the kill at the deadline, the watchdog, and a start that throws. Every
// service is installed with the servicehost command, as users do.
import { afterEach, describe, expect, test } from 'vitest';
import { check, events, fixtureArgs, guest, removeService, ring, servicehost, serviceName, sh, show, sleep, waitFor } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

async function install(label: string, config: Record<string, unknown>, flags: string[] = []): Promise<string> {
  const name = serviceName(label);
  made.push(name);
  const run = await servicehost(['install', '--name', name, ...flags, '--', ...fixtureArgs(name, config)]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return name;
}

/** An administrator's drop-in that sets systemd's own stop deadline (not servicehost's --stop-timeout). */
async function setTimeoutStopSec(name: string, seconds: number): Promise<void> {
  await check(['mkdir', '-p', `/etc/systemd/system/${name}.service.d`]);
  await check(['sh', '-c', `printf '[Service]\\nTimeoutStopSec=${seconds}\\n' > /etc/systemd/system/${name}.service.d/timeout.conf && systemctl daemon-reload`]);
  expect((await show(`${name}.service`, ['TimeoutStopUSec'])).TimeoutStopUSec).toBe(`${seconds}s`);
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

describe.skipIf(!ring.available)(`lifecycle under systemd (${ring.backend})`, () => {
  test('install: the unit is active only after READY=1, and StatusText follows progress()', async () => {
    const name = serviceName('ready');
    made.push(name);
    const config = { startSteps: [{ text: 'loading config', ms: 1500 }, { text: 'warming cache', ms: 1500 }] };
    let done = false;
    const installing = servicehost(['install', '--name', name, '--', ...fixtureArgs(name, config)]).finally(() => (done = true));
    const samples: Array<Record<string, string | number>> = [];
    while (!done) {
      const state = await show(`${name}.service`, ['ActiveState', 'StatusText']).catch(() => ({}) as Record<string, string>);
      samples.push({ ...state, at: Date.now() });
      await sleep(100);
    }
    const installed = await installing;
    const returnedAt = Date.now();
    expect(installed.code, installed.stderr).toBe(0);
    const startEnd = (await events(name)).find((event) => event.event === 'running');
    expect(startEnd).toBeDefined();
    const activating = samples.filter((sample) => sample.ActiveState === 'activating').map((sample) => sample.StatusText);
    expect(activating).toContain('loading config');
    expect(activating).toContain('warming cache');
    // Seen active only once the start callback had settled (it records 'progress' last before READY).
    const lastProgress = (await events(name)).filter((event) => event.event === 'progress').at(-1)!;
    for (const sample of samples.filter((sample) => sample.ActiveState === 'active')) expect(sample.at).toBeGreaterThan(lastProgress.t + 1400);
    expect(returnedAt).toBeGreaterThan(lastProgress.t + 1400);
    expect(await show(`${name}.service`, ['ActiveState', 'SubState', 'StatusText'])).toEqual({ ActiveState: 'active', SubState: 'running', StatusText: 'warming cache' });
  });

  test('systemctl stop returns after the teardown; ExecMainStatus=0', async () => {
    const name = await install('stop', { teardown: [{ ms: 2000 }] });
    const stop = await timed(guest(['systemctl', 'stop', `${name}.service`]));
    expect(stop.value.code, stop.value.stderr).toBe(0);
    const recorded = await events(name);
    expect(recorded.map((event) => event.event)).toEqual(['boot', 'start-begin', 'running', 'stop', 'teardown-begin', 'teardown-end', 'stopped']);
    expect(stop.ms).toBeGreaterThanOrEqual(2000);
    expect(await show(`${name}.service`, ['ActiveState', 'Result', 'ExecMainStatus', 'ExecMainCode'])).toEqual({ ActiveState: 'inactive', Result: 'success', ExecMainStatus: '0', ExecMainCode: '1' });
  });

  test('a teardown longer than TimeoutStopSec, extended step by step with EXTEND_TIMEOUT_USEC, still ends 0', async () => {
    // Three 2 s steps (6 s) against TimeoutStopSec=3: each finished step extends the deadline by the next step's timeout + 1 s.
    const name = await install('extend', { teardown: [{ ms: 2000, timeout: 2500 }, { ms: 2000, timeout: 2500 }, { ms: 2000, timeout: 2500 }] });
    await setTimeoutStopSec(name, 3);
    const stop = await timed(guest(['systemctl', 'stop', `${name}.service`]));
    expect(stop.value.code, stop.value.stderr).toBe(0);
    expect(stop.ms).toBeGreaterThan(5500);
    expect((await events(name)).filter((event) => event.event === 'teardown-end')).toHaveLength(3);
    expect(await show(`${name}.service`, ['Result', 'ExecMainStatus', 'ExecMainCode'])).toEqual({ Result: 'success', ExecMainStatus: '0', ExecMainCode: '1' });
  });

  test('a teardown stuck past the deadline is killed by systemd (Result=timeout, SIGKILL)', async () => {
    // The step blocks the event loop: after the first extension (its 2 s timeout + 1 s) nothing more reaches systemd.
    const name = await install('stuck', { teardown: [{ block: true, timeout: 2000 }] });
    await setTimeoutStopSec(name, 3);
    const stop = await timed(guest(['systemctl', 'stop', `${name}.service`]));
    expect(stop.value.code, stop.value.stderr).toBe(0);
    expect(stop.ms).toBeGreaterThan(2500);
    expect(stop.ms).toBeLessThan(10_000);
    const recorded = (await events(name)).map((event) => event.event);
    expect(recorded).toContain('teardown-begin');
    expect(recorded).not.toContain('stopped');
    // CLD_KILLED (2) by SIGKILL (9).
    expect(await show(`${name}.service`, ['Result', 'ExecMainCode', 'ExecMainStatus'])).toEqual({ Result: 'timeout', ExecMainCode: '2', ExecMainStatus: '9' });
    expect(await check(['journalctl', '-u', `${name}.service`, '--no-pager', '-o', 'cat'])).toMatch(/timed out\. Killing/u);
  });

  test('the watchdog: pings keep a healthy service up; a stalled loop is killed and restarted (NRestarts)', async () => {
    // WatchdogSec=2: healthy for 3.5 s (pings every 1 s), then the loop stalls on the first run only.
    const name = await install('watchdog', { blockAfterMs: 3500, blockAttempts: 1 }, ['--watchdog-sec', '2']);
    expect((await show(`${name}.service`, ['WatchdogUSec'])).WatchdogUSec).toBe('2s');
    const restarted = await waitFor('the restart after the watchdog', async () => {
      const state = await show(`${name}.service`, ['NRestarts', 'ActiveState', 'MainPID']);
      return state.NRestarts === '1' && state.ActiveState === 'active' ? state : undefined;
    }, 20_000);
    const recorded = await events(name);
    const first = recorded.find((event) => event.event === 'running' && event.attempt === 1)!;
    const blocking = recorded.find((event) => event.event === 'blocking')!;
    const second = recorded.find((event) => event.event === 'running' && event.attempt === 2)!;
    expect(first.watchdogUsec ?? recorded[0]!.watchdogUsec).toBe('2000000');
    expect(blocking.t - first.t).toBeGreaterThan(3000);
    expect(second.pid).not.toBe(first.pid);
    expect(Number(restarted.MainPID)).toBe(second.pid);
    // Killed no sooner than the watchdog's 2 s after the last ping.
    expect(second.t - blocking.t).toBeGreaterThan(1500);
    expect(await check(['journalctl', '-u', `${name}.service`, '--no-pager', '-o', 'cat'])).toMatch(/Watchdog timeout/u);
  });

  test('a start that throws exits 70, and Restart=on-failure starts it again', async () => {
    const name = await install('throws', { failAttempts: 1 }, ['--no-start']);
    const start = await guest(['systemctl', 'start', `${name}.service`]);
    expect(start.code).not.toBe(0);
    const failed = await show(`${name}.service`, ['ExecMainStatus', 'ExecMainCode', 'Restart']);
    expect(failed).toEqual({ ExecMainStatus: '70', ExecMainCode: '1', Restart: 'on-failure' });
    const stopped = (await events(name)).find((event) => event.event === 'stopped');
    expect(stopped?.exitCode).toBe(70);
    await waitFor('the restart', async () => {
      const state = await show(`${name}.service`, ['ActiveState', 'NRestarts']);
      return state.NRestarts === '1' && state.ActiveState === 'active';
    }, 10_000);
    expect(await show(`${name}.service`, ['ActiveState', 'SubState', 'ExecMainStatus'])).toEqual({ ActiveState: 'active', SubState: 'running', ExecMainStatus: '0' });
    expect((await sh(`journalctl -u ${name}.service --no-pager -o cat | grep -c 'status=70'`)).stdout.trim()).toBe('1');
  });
});
