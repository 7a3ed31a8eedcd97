// Runs servicehost/manage and the servicehost command inside Windows Node:
// under Wine on Linux, natively on Windows. Paths cross as Windows paths.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runWindows, toWindowsPath, windowsNodeExe } from '../../../scripts/windows-env.mjs';
import { fixturesDir, scratchDir } from './service';

export type Operation =
  | { op: 'install' | 'configure'; spec: Record<string, unknown>; options?: Record<string, unknown> }
  | { op: 'uninstall' | 'start' | 'stop' | 'restart'; name: string; options?: Record<string, unknown> }
  | { op: 'query'; name: string }
  | { op: 'list'; pattern?: string; filter?: Record<string, unknown> }
  | { op: 'native'; fn: string; args: unknown[] };

export interface ManagerErrorShape {
  name: string;
  code: string;
  message: string;
  systemCode?: string;
  errno?: number;
  syscall?: string;
}

export type Outcome = { ok: true; value: any } | { ok: false; error: ManagerErrorShape };

/** Runs the operations in order in one Windows Node process; one outcome each. */
export async function manage(operations: Operation[]): Promise<Outcome[]> {
  const dir = scratchDir('manage');
  const request = path.join(dir, 'operations.json');
  const response = path.join(dir, 'outcomes.json');
  writeFileSync(request, JSON.stringify(operations));
  const run = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'manage-driver.js')), toWindowsPath(request), toWindowsPath(response)], { timeoutMs: 120_000 });
  const outcomes = JSON.parse(readFileSync(response, 'utf8')) as Outcome[] | { crashed: string };
  if (!Array.isArray(outcomes)) throw new Error(`the manage driver crashed (exit ${run.code}):\n${outcomes.crashed}\n${run.stderr}`);
  return outcomes;
}

/** One operation that must succeed; its value. */
export async function manageOk(operation: Operation): Promise<any> {
  const [outcome] = await manage([operation]);
  if (!outcome!.ok) throw new Error(`${operation.op} failed: ${outcome!.error.code}: ${outcome!.error.message}`);
  return outcome!.value;
}

/** `servicehost <args>` in Windows Node: its exit code and output. */
export function servicehostCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWindows(windowsNodeExe(), [toWindowsPath(path.join(repoRoot, 'dist', 'cli.js')), ...args], { timeoutMs: 120_000 });
}

/** Removes a service whatever state it is in; for `finally` blocks. */
export async function uninstallQuietly(name: string): Promise<void> {
  await manage([{ op: 'uninstall', name }]);
}
