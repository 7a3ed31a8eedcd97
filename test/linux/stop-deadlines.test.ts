// The teardown's deadlines hold in a real process whose steps block the event
// loop: a step that returns after its own timeout is timed out (72), and a
// teardown that ends past stopTimeoutMs ends with 73, although no timer could
// fire while the loop was blocked. On the stop deadline the log names the steps
// left undone and `outcome.steps` lists them: the one under way timed out, the
// rest not run.
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';

let child: FixtureProcess | undefined;
afterEach(() => reap(child));

interface Outcome {
  exitCode: number;
  forced: boolean;
  steps: { name: string; phase: string; outcome: string; durationMs: number }[];
}

async function run(fixture: object): Promise<{ code: number | null; outcome: Outcome; log: string; ran: string[] }> {
  child = new FixtureProcess('deadline-service.js', { fixture });
  const { code } = await child.exited;
  const stopped = child.events.items.find((event) => event.event === 'stopped');
  expect(stopped, child.stderr + JSON.stringify(child.events.items)).toBeDefined();
  const log = child.events.items.filter((event) => event.event === 'log').map((event) => String(event.text)).join('\n');
  const ran = child.events.items.filter((event) => event.event === 'ran').map((event) => String(event.name));
  return { code, outcome: (stopped as unknown as { outcome: Outcome }).outcome, log, ran };
}

const steps = (outcome: Outcome) => outcome.steps.map(({ name, outcome: how }) => `${name}:${how}`);

describe.runIf(process.platform !== 'win32')('teardown deadlines on a blocked event loop', () => {
  test('a step that blocks past its own timeout is timed out: exit 72, not ok', async () => {
    const { code, outcome, log } = await run({ options: { stopTimeoutMs: 10_000, stepTimeoutMs: 300 }, steps: [{ name: 'busy', busyMs: 600 }] });
    expect(code).toBe(72);
    expect(outcome).toMatchObject({ exitCode: 72, forced: false });
    expect(steps(outcome)).toEqual(['busy:timed-out']);
    expect(outcome.steps[0]!.durationMs).toBeGreaterThanOrEqual(600);
    expect(log).toContain('teardown step "busy" overran its deadline');
  });

  test('a step that blocks past stopTimeoutMs (within its own timeout) ends the stop with 73, and names the steps left', async () => {
    const { code, outcome, log, ran } = await run({
      options: { stopTimeoutMs: 300, stepTimeoutMs: 5_000 },
      steps: [{ name: 'flush logs', phase: 'flush' }, { name: 'busy', busyMs: 600 }, { name: 'also closes' }],
    });
    expect(code).toBe(73);
    // 'also closes' (newest in 'close') ran first; then 'busy' blocked the loop past the deadline.
    expect(outcome).toMatchObject({ exitCode: 73, forced: true });
    expect(steps(outcome)).toEqual(['also closes:ok', 'busy:ok', 'flush logs:not-run']);
    // Not run indeed: past the deadline no step starts.
    expect(ran).toEqual(['also closes', 'busy']);
    expect(log).toMatch(/teardown passed its 300 ms deadline: ending now; left undone: "flush logs" \(not started\)/u);
  });

  test("the report's case: stopTimeoutMs 1000, stepTimeoutMs 2000, a step busy for 3 s: 73, the step timed out", async () => {
    const { code, outcome, log } = await run({ options: { stopTimeoutMs: 1_000, stepTimeoutMs: 2_000 }, steps: [{ name: 'busy', busyMs: 3_000 }] });
    expect(code).toBe(73);
    expect(outcome).toMatchObject({ exitCode: 73, forced: false });
    expect(steps(outcome)).toEqual(['busy:timed-out']);
    expect(log).toContain('teardown passed its 1000 ms deadline: ending now; every step had run');
  }, 20_000);
});

describe.runIf(process.platform !== 'win32')('the stop deadline on a free event loop', () => {
  test('73: the log names the step under way and those not started, and outcome.steps lists them in run order', async () => {
    const { code, outcome, log, ran } = await run({
      options: { stopTimeoutMs: 500, stepTimeoutMs: 10_000 },
      steps: [{ name: 'metrics', phase: 'flush' }, { name: 'database' }, { name: 'cache' }, { name: 'slow drain', phase: 'drain', waitMs: 5_000 }, { name: 'fast', phase: 'drain' }],
    });
    expect(code).toBe(73);
    expect(outcome).toMatchObject({ exitCode: 73, forced: true });
    expect(steps(outcome)).toEqual(['fast:ok', 'slow drain:timed-out', 'cache:not-run', 'database:not-run', 'metrics:not-run']);
    expect(outcome.steps[1]!.durationMs).toBeGreaterThanOrEqual(400);
    expect(ran).toEqual(['fast', 'slow drain']);
    expect(log).toMatch(
      /teardown passed its 500 ms deadline: ending now; left undone: "slow drain" \(running for \d+ ms\), "cache" \(not started\), "database" \(not started\), "metrics" \(not started\)/u,
    );
  });
});
