// e2e: close, logoff and shutdown in console mode. No test can close a
// console window, so the real handler runs on a thread of its own, as Windows
// runs it, and the process is ended when it returns, as Windows ends it
// (simulateConsoleEventForDiagnostics). The hold must last until the stop is
// done, and no longer than the close budget.
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { fixturesDir, readLines, scratchDir } from './harness/service';

const ring = inject('windowsRing');
// STATUS_CONTROL_C_EXIT, 0xC000013A: how Windows ends a process whose close handler returned.
// Under Wine the Linux exit status keeps its low 8 bits.
const CONTROL_C_EXIT = process.platform === 'win32' ? 0xc000013a : 0x3a;

async function runConsoleService(event: string, teardownMs: number, budgetMs: number) {
  const log = path.join(scratchDir(`console-${event}`), 'console.log');
  const script = toWindowsPath(path.join(fixturesDir, 'console-service.js'));
  const result = await runWindows(windowsNodeExe(), [script, toWindowsPath(log), event, String(teardownMs), String(budgetMs)], { timeoutMs: 30_000 });
  const records = readLines(log).map((line) => JSON.parse(line) as { event: string; at: number; [key: string]: unknown });
  return { result, records, events: records.map((record) => record.event) };
}

describe.skipIf(!ring.available)('console close, logoff and shutdown', () => {
  for (const event of ['close', 'logoff', 'shutdown']) {
    test(`${event}: the handler holds the process while the teardown runs, and the service's own exit code wins`, async () => {
      const { result, records, events } = await runConsoleService(event, 800, 4_500);
      expect(result.code).toBe(0);
      expect(events).toEqual(['running', 'stop', 'teardown-begin', 'teardown-end', 'exit']);
      expect(records[1]).toMatchObject({ reason: 'console', detail: event });
      const teardown = records[3]!.at - records[2]!.at;
      expect(teardown).toBeGreaterThanOrEqual(750);
    });
  }

  test('a teardown longer than the close budget is cut off when the budget ends, as Windows would', async () => {
    const { result, records, events } = await runConsoleService('close', 10_000, 1_000);
    expect(result.code).toBe(CONTROL_C_EXIT);
    expect(events).toEqual(['running', 'stop', 'teardown-begin']);
    expect(records[1]).toMatchObject({ detail: 'close' });
  });
});
