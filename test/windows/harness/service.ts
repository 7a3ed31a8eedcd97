// Helpers for tests that run a real service: create it with sc.exe, wait for
// states, read its log, and always remove it afterwards.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { windowsCommandLine } from '../../../lib/windows/command-line';
import { queryService, repoRoot, sc, toWindowsPath, windowsNodeExe, type ServiceQuery } from '../../../scripts/windows-env.mjs';

export const fixturesDir = path.join(repoRoot, 'test', 'windows', 'fixtures');

let serviceCounter = 0;

export function uniqueServiceName(label: string): string {
  return `servicehost-${label}-${process.pid}-${++serviceCounter}`;
}

/** A fresh folder both sides can reach: under build/tmp, which Wine sees as Z:\…. */
export function scratchDir(label: string): string {
  const base = path.join(repoRoot, 'build', 'tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `${label}-`));
}

export function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function waitForState(name: string, state: string, timeoutMs = 30_000): Promise<ServiceQuery> {
  let last: ServiceQuery | undefined;
  try {
    return await waitFor(`${name} to be ${state}`, async () => {
      last = await queryService(name);
      return last.state === state ? last : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last query:\n${last?.output ?? '(none)'}`);
  }
}

/** Creates a service whose image is `<program> <args...>`, quoted by CommandLineToArgvW's rules. */
export async function createService(name: string, program: string, args: readonly string[]): Promise<void> {
  const binPath = windowsCommandLine(toWindowsPath(program), args);
  const created = await sc(['create', name, 'binPath=', binPath]);
  expect(created.code, `sc create ${name} failed:\n${created.output}`).toBe(0);
}

/** Stops (if needed) and deletes a service; for `finally` blocks. */
export async function removeService(name: string): Promise<void> {
  const state = await queryService(name);
  if (!state.exists) return;
  // A stop the SCM refused (a raw fixture still START_PENDING, or one whose
  // process died without reporting) never brings STOPPED: waiting for it only
  // cost 15 s a test. withService ends such a process by its PID.
  if (state.state !== 'STOPPED' && (await sc(['stop', name])).code === 0) await waitForState(name, 'STOPPED', 15_000).catch(() => {});
  await sc(['delete', name]);
}

/**
 * The PIDs of this machine's processes whose command line holds `marker`
 * (Wine shows a Windows process's command line in /proc), so that a test ends
 * only the service process it started, by PID.
 */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

export interface RunningFixture {
  name: string;
  dir: string;
  /** The fixture's log, its first argument. */
  log: string;
  lines(): string[];
  /** The log as JSON records, for fixtures that write JSON lines. */
  records(): Record<string, unknown>[];
}

/**
 * Runs `body` with a created (not started) service whose image is
 * `node.exe [nodeArgs] fixtures/<script> <log> [args]`, and removes the
 * service afterwards, whatever happens.
 */
export async function withService(
  label: string,
  options: { script: string; args?: readonly string[]; nodeArgs?: readonly string[]; renamedHost?: boolean },
  body: (service: RunningFixture) => Promise<void>,
): Promise<void> {
  const name = uniqueServiceName(label);
  const dir = scratchDir(label);
  const log = path.join(dir, 'service.log');
  const args = [...(options.nodeArgs ?? []), toWindowsPath(path.join(fixturesDir, options.script)), toWindowsPath(log), ...(options.args ?? [])];
  await createService(name, windowsNodeExe({ renamed: options.renamedHost ?? false }), args);
  try {
    await body({
      name,
      dir,
      log,
      lines: () => readLines(log),
      records: () => readLines(log).map((line) => JSON.parse(line) as Record<string, unknown>),
    });
  } finally {
    await removeService(name);
    // Its log's path is in its command line and nowhere else: a process the SCM did not stop is ended here.
    for (const pid of processesWith(toWindowsPath(log))) {
      console.log(`[windows ring] ${name}: ending its process ${pid}, which the SCM did not stop`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It ended meanwhile.
      }
    }
  }
}

export interface FixtureService extends RunningFixture {
  /** Creating this file lets the fixture's cleanup finish. */
  release: string;
}

/** withService for fixtures/stop-service.js, whose cleanup waits for a release file. */
export async function withStopService(
  label: string,
  options: { renamedHost?: boolean; exitCode?: number; holdCleanup?: boolean },
  body: (service: FixtureService) => Promise<void>,
): Promise<void> {
  const release = path.join(scratchDir(`${label}-release`), 'release');
  if (!options.holdCleanup) writeFileSync(release, '');
  const args = [toWindowsPath(release), ...(options.exitCode === undefined ? [] : [String(options.exitCode)])];
  await withService(label, { script: 'stop-service.js', args, renamedHost: options.renamedHost ?? false }, async (service) => {
    try {
      await body({ ...service, release });
    } finally {
      // Before the service is removed: its cleanup waits for this file.
      writeFileSync(release, '');
    }
  });
}

let startTurn: Promise<unknown> = Promise.resolve();

/**
 * `sc start`, one at a time within the file, for tests that run side by side
 * (test.concurrent): Wine's services.exe runs one StartService at a time, held
 * until the process has reported its first status, and one that waited 3 s
 * for its turn fails with 1055 (ERROR_SERVICE_DATABASE_LOCKED).
 */
export function scStartInTurn(name: string): ReturnType<typeof sc> {
  const started = startTurn.then(() => sc(['start', name]));
  startTurn = started.catch(() => {});
  return started;
}

export async function startAndWaitRunning(name: string): Promise<ServiceQuery> {
  const started = await sc(['start', name]);
  expect(started.code, started.output).toBe(0);
  return waitForState(name, 'RUNNING');
}

/** sc stop, then the final status once STOPPED. */
export async function stopAndWaitStopped(name: string): Promise<ServiceQuery> {
  const stopped = await sc(['stop', name]);
  expect(stopped.code, stopped.output).toBe(0);
  return waitForState(name, 'STOPPED');
}
