// The one view of several hosts: parallel up to the bound, each host's own
// deadline, a dead host's row at its deadline, and its child processes ended.
// The tasks are real child processes (runRemote), not timers.
import { describe, expect, test } from 'vitest';
import { eachHost, rowsOf } from '../../lib/manage/hosts';
import { runRemote } from '../../lib/manage/remote-run';
import { processExists } from '../../lib/process-alive';

const alive = processExists;

/** A child that prints its pid and then runs for `ms` (forever for Infinity). */
function child(ms: number, signal: AbortSignal, pids: number[]): Promise<string> {
  const source = `require('fs').writeSync(1, String(process.pid) + '\\n'); ${Number.isFinite(ms) ? `setTimeout(() => {}, ${ms})` : 'setInterval(() => {}, 1000)'}`;
  const started = runRemote(process.execPath, ['-e', source], { timeoutMs: 60_000, signal, env: process.env });
  return started.then((result) => {
    pids.push(Number(result.stdout.trim()));
    if (result.outcome !== 'exited' || result.code !== 0) throw Object.assign(new Error(`child ${result.outcome}`), { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE' });
    return result.stdout;
  });
}

const DEADLINE_MS = 4000;

describe('eachHost', () => {
  test('a host that never answers gets its error row at its deadline; the others are complete; its child process is ended', async () => {
    const pids: number[] = [];
    const began = Date.now();
    const results = await eachHost(
      ['quick', 'dead', 'refusing'],
      async (host, signal) => {
        if (host === 'refusing') throw Object.assign(new Error('Permission denied (publickey)'), { code: 'ERR_SERVICEHOST_ACCESS_DENIED' });
        return child(host === 'dead' ? Infinity : 50, signal, pids);
      },
      // Long enough for a quick child to start and answer on a starved CPU (a
      // CI run's rings share two cores): a quarter of a core took over 1.5 s.
      { timeoutMs: DEADLINE_MS, concurrency: 8 },
    );
    const elapsed = Date.now() - began;
    expect(results.map((result) => result.host)).toEqual(['quick', 'dead', 'refusing']);
    expect(results[0]!.value).toMatch(/^\d+\n$/u);
    expect(results[1]!.error).toEqual({ code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: `dead did not answer within ${DEADLINE_MS} ms` });
    expect(results[2]!.error).toMatchObject({ code: 'ERR_SERVICEHOST_ACCESS_DENIED' });
    // The row comes at the deadline, not after the dead child (which never ends): the bound leaves a loaded machine room.
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 6000);
    // The dead host's child (its pid is read once the run ends) is gone, its group killed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 30_000);

  test('at most `concurrency` hosts are asked at once, and all in parallel up to it', async () => {
    let active = 0;
    let most = 0;
    const pids: number[] = [];
    // What happened, in order: a host asked ('start') or answered ('end').
    const events: Array<'start' | 'end'> = [];
    const results = await eachHost(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      async (_host, signal) => {
        active += 1;
        most = Math.max(most, active);
        events.push('start');
        try {
          return await child(400, signal, pids);
        } finally {
          active -= 1;
          events.push('end');
        }
      },
      { timeoutMs: 20_000, concurrency: 2 },
    );
    expect(results.every((result) => result.error === undefined)).toBe(true);
    expect(most).toBe(2);
    // Parallel up to the bound, and no slot left empty: the first two start
    // together, and each answer lets the next host start before any other
    // answer comes (not rounds that wait for their slowest). Ordered, not timed,
    // so a loaded machine cannot fail it.
    expect(events).toEqual(['start', 'start', 'end', 'start', 'end', 'start', 'end', 'start', 'end', 'start', 'end', 'end']);
  }, 30_000);

  test('rowsOf: one row per service per host, a host without an answer one error row', () => {
    expect(
      rowsOf([
        { host: 'a', value: [{ name: 'api' }, { name: 'worker' }] },
        { host: 'b', error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: 'b did not answer within 10 ms' } },
        { host: 'c', value: [] },
      ]),
    ).toEqual([
      { host: 'a', name: 'api' },
      { host: 'a', name: 'worker' },
      { host: 'b', error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', message: 'b did not answer within 10 ms' } },
    ]);
  });
});
