// An uncaught error once the outcome is settled still makes the exit 75 (docs/lifecycle.md,
// "Uncaught errors"): before the host is handed the code, the host gets 75; while the host
// ends the process (a systemd host flushing, the SCM's STOPPED), only the process's exit
// code can change, which an 'exit' hook added then does. The listeners stay until the host
// ended the process, and go (hook included) when a host's close returns, as a test host's does.
import { afterEach, expect, test } from 'vitest';
import type { ExitInfo } from '../../lib/hosts/host';
import { Service } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

class SlowClosingHost extends RecordingHost {
  release: () => void = () => {};
  override close(exit: ExitInfo): Promise<void> {
    this.closes.push({ ...exit });
    return new Promise((resolve) => (this.release = resolve));
  }
}

// The listeners added since `before`, as functions of any shape (their event picks their parameters).
const added = (event: 'exit' | 'uncaughtException', before: Set<unknown>): Array<(...args: never[]) => unknown> =>
  (process.listeners(event as 'exit') as Array<(...args: never[]) => unknown>).filter((listener) => !before.has(listener));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
let host: SlowClosingHost | undefined;
afterEach(() => host?.release());

test('one while the host ends the process: logged, the outcome says 75, an exit hook sets 75; all let go when close returns', async () => {
  const before = { uncaught: new Set(process.listeners('uncaughtException')), exit: new Set(process.listeners('exit')) };
  host = new SlowClosingHost();
  const logger = recordingLogger();
  const service = new Service({ host, logger, handleUncaughtErrors: true });
  await service.start();
  const outcome = await service.stop('done');
  expect(outcome.exitCode).toBe(0);
  await nextTurn();
  expect(host.closes).toMatchObject([{ exitCode: 0 }]);
  const [uncaught] = added('uncaughtException', before.uncaught) as ((error: Error) => void)[];
  expect(uncaught, 'the listener stays while the host ends the process').toBeDefined();
  uncaught!(new Error('late'));
  expect(logger.lines.join('\n')).toContain('uncaught exception: Error: late');
  expect(outcome.exitCode).toBe(75);
  const hooks = added('exit', before.exit) as (() => void)[];
  expect(hooks).toHaveLength(1);
  const saved = process.exitCode;
  try {
    hooks[0]!();
    expect(process.exitCode).toBe(75);
  } finally {
    process.exitCode = saved;
  }
  host.release();
  await nextTurn();
  expect(added('uncaughtException', before.uncaught)).toEqual([]);
  expect(added('exit', before.exit)).toEqual([]);
});

test('one before the host has the code: the host is told 75; a code the stop asked for stands', async () => {
  for (const [askedCode, expected] of [[undefined, 75], [5, 5]] as const) {
    const before = new Set(process.listeners('uncaughtException'));
    host = new SlowClosingHost();
    const service = new Service({ host, logger: recordingLogger(), handleUncaughtErrors: true });
    await service.start();
    const outcome = await service.stop('done', askedCode === undefined ? {} : { exitCode: askedCode });
    (added('uncaughtException', before)[0] as (error: Error) => void)(new Error('late'));
    await nextTurn();
    expect(host.closes).toMatchObject([{ exitCode: expected }]);
    expect(outcome.exitCode).toBe(expected);
    host.release();
    await nextTurn();
  }
});
