// The elevated side of `elevate`: started by lib/manage/elevate.ts with the
// marker argument, it reads the request from the private folder, runs it
// here (as the CLI, or as the manage call), and writes the result beside it.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  REQUEST_FILE,
  RESULT_FILE,
  elevatedFolderOf,
  parseElevationRequest,
  serializeError,
  type ElevationRequest,
  type ElevationResult,
} from './elevate-protocol';

async function execute(request: ElevationRequest): Promise<ElevationResult> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (request.kind === 'cli') {
    // The password crosses in the private file, and reaches the command as the variable it takes (and deletes at once).
    if (request.password !== undefined) process.env.SERVICEHOST_ACCOUNT_PASSWORD = request.password;
    let stdout = '';
    let stderr = '';
    const { main } = require('../cli/main') as typeof import('../cli/main');
    const exitCode = await main(request.argv, { json: false, out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) });
    return { kind: 'cli', exitCode: exitCode ?? 0, stdout, stderr };
  }
  const manage = require('./index') as typeof import('./index');
  try {
    const value: unknown = await (manage[request.call] as (...args: unknown[]) => Promise<unknown>)(...request.args);
    return { kind: 'call', ok: true, value: value ?? null };
  } catch (error) {
    return { kind: 'call', ok: false, error: serializeError(error) };
  }
}

/**
 * In a process that `elevate` started (its argv holds the marker): runs the
 * request, writes the result, and resolves with the exit code the process
 * should end with. Otherwise resolves with undefined at once. An Electron
 * app's main process calls it first thing, as the elevated process is the
 * app's own executable (see docs/electron.md).
 */
export async function handleElevatedRequest(argv: readonly string[] = process.argv): Promise<number | undefined> {
  const folder = elevatedFolderOf(argv);
  if (folder === undefined) return undefined;
  const request = parseElevationRequest(readFileSync(path.join(folder, REQUEST_FILE), 'utf8'));
  // The caller's relative paths mean what they meant there: the elevated process starts elsewhere.
  process.chdir(request.cwd);
  const result = await execute(request);
  // 'wx': the caller reads exactly what this process created.
  writeFileSync(path.join(folder, RESULT_FILE), JSON.stringify(result), { flag: 'wx' });
  if (result.kind === 'cli') return result.exitCode;
  return result.ok ? 0 : 1;
}
