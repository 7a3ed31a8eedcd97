// What a live test does in the guest: run a command, run the servicehost
// command as users run it (node /checkout/dist/cli.js inside the guest), read
// a unit back with `systemctl show`, and read a fixture's event log.
import { writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { GUEST_CHECKOUT, runInGuest, type GuestRun } from '../../../scripts/systemd-live.mjs';
import { logTails, readReady, wantedFile, type SystemdLiveHandle, type SystemdLiveRing } from './handover';

/**
 * The ring's guest, once booted: the global setup builds the root in the background and boots the
 * guest when the first test file asks (handover.ts). Waits for it at import, so every file's titles
 * and skipIf can read the guest's systemd; a guest that could not boot skips the file with the reason,
 * or fails it when the ring is required.
 */
async function guestOfRing(handle: SystemdLiveHandle): Promise<SystemdLiveRing> {
  if (handle.skipped) return handle.skipped;
  writeFileSync(wantedFile(handle.runDir), `${handle.token}\n`);
  const deadline = Date.now() + handle.waitMs;
  let ready = readReady(handle.runDir, handle.token);
  while (!ready) {
    if (Date.now() > deadline) {
      throw new Error(`systemd-live (${handle.release}): no guest after ${Math.round(handle.waitMs / 1000)} s (the root's build and the boot); the logs end with:\n${logTails(handle.release)}`);
    }
    await sleep(100);
    ready = readReady(handle.runDir, handle.token);
  }
  if (!ready.available && handle.required) {
    throw new Error(`systemd-live (${handle.release}): ${ready.reason}\n(The live-systemd ring is required because CI=true or SERVICEHOST_REQUIRE_SYSTEMD_LIVE=1.)\n${logTails(handle.release)}`);
  }
  return ready;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const ring: SystemdLiveRing = await guestOfRing(inject('systemdLive'));

export const CLI = `${GUEST_CHECKOUT}/dist/cli.js`;
export const FIXTURES = `${GUEST_CHECKOUT}/test/systemd-live/fixtures`;

export interface RunOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  input?: string;
  /** Run as this guest user (runuser), with their XDG_RUNTIME_DIR. */
  user?: { name: string; uid: number };
}

export function guest(argv: readonly string[], options: RunOptions = {}): Promise<GuestRun> {
  if (!ring.target) throw new Error(`the live-systemd ring has no guest: ${ring.reason}`);
  const { user, ...rest } = options;
  const command = user ? ['runuser', '-u', user.name, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${user.uid}`, `HOME=/home/${user.name}`, ...argv] : argv;
  return runInGuest(ring.target, command, rest);
}

/** A shell script in the guest (its own /bin/sh). */
export function sh(script: string, options: RunOptions = {}): Promise<GuestRun> {
  return guest(['/bin/sh', '-c', script], options);
}

/** Like guest(), but throws with the output unless the command exits 0. */
export async function check(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  const run = await guest(argv, options);
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** `servicehost <args>` in the guest. */
export function servicehost(args: readonly string[], options: RunOptions = {}): Promise<GuestRun> {
  return guest(['node', CLI, ...args], options);
}

/** `systemctl show -p …` as a record. */
export async function show(unit: string, properties: readonly string[], options: RunOptions & { userScope?: boolean } = {}): Promise<Record<string, string>> {
  const { userScope, ...rest } = options;
  const out = await check(['systemctl', ...(userScope ? ['--user'] : []), 'show', `--property=${properties.join(',')}`, unit], rest);
  return Object.fromEntries(
    out
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export interface FixtureEvent {
  event: string;
  /** Date.now() in the guest. */
  t: number;
  pid: number;
  [key: string]: unknown;
}

/** The events a fixture wrote to /results/<name>.jsonl, oldest first. */
export async function events(name: string): Promise<FixtureEvent[]> {
  const run = await guest(['cat', `/results/${name}.jsonl`]);
  if (run.code !== 0) return [];
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FixtureEvent);
}

/** Polls `probe` every 50 ms until it returns a truthy value; throws with `what` (and the last value) at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(50);
  }
}

let counter = 0;
/** A service name of this test's own: units never collide between tests or runs. */
export function serviceName(label: string): string {
  counter += 1;
  return `live-${label}-${process.pid}-${counter}`;
}

/** The fixture service's config, passed as its one argument. */
export function fixtureArgs(name: string, config: Record<string, unknown> = {}): string[] {
  return [`${FIXTURES}/live-service.js`, JSON.stringify({ name, ...config })];
}

/** What `systemctl --failed` lists, as unit names. */
export async function failedUnits(options: RunOptions & { userScope?: boolean } = {}): Promise<string[]> {
  const { userScope, ...rest } = options;
  const out = await check(['systemctl', ...(userScope ? ['--user'] : []), '--failed', '--no-legend', '--plain'], rest);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/u)[0] ?? '')
    .filter(Boolean)
    .sort();
}

/** Every path under /etc/systemd/system, with symlink targets: "was it left as it was". */
export async function unitTree(): Promise<string[]> {
  const out = await check(['find', '/etc/systemd/system', '-printf', '%p -> %l\\n']);
  return out.split('\n').filter(Boolean).sort();
}

/** Best-effort removal after a test: whatever state the test left the unit in. */
export async function removeService(name: string): Promise<void> {
  await sh(
    `systemctl stop ${name}.service ${name}.socket >/dev/null 2>&1; systemctl disable ${name}.service >/dev/null 2>&1; ` +
      `rm -f /etc/systemd/system/${name}.service /etc/systemd/system/${name}.socket; systemctl daemon-reload; ` +
      `systemctl reset-failed ${name}.service ${name}.socket >/dev/null 2>&1; rm -f /results/${name}.*; true`,
  );
}
