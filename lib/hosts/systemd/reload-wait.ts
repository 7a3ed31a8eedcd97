// The ExecReload= of every unit servicehost writes, run by systemd as its own
// process, as the unit's user: `node reload-wait.js $MAINPID`. It signals the
// program and exits only once the program says its reload listeners settled,
// so that `systemctl reload` returns after the reload and not before. systemd
// 252 has no Type=notify-reload, and `kill -HUP $MAINPID` alone returns early.
//
// The handshake, in $RUNTIME_DIRECTORY (mode 0700, the unit's own): the helper
// writes a fresh nonce into the request file, sends SIGHUP, and waits for
// "<nonce> ok" or "<nonce> failed" in the ack file, which the program writes
// when the reload it began after that request has settled (SystemdHost).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RELOAD_FILES } from '../../lifecycle/installed-environment';

const POLL_MS = 10;
// systemd bounds ExecReload= with TimeoutStartSec= as well; this is for a run by hand.
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function fail(message: string): never {
  process.stderr.write(`servicehost reload: ${message}\n`);
  process.exit(1);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readAck(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const pid = Number(process.argv[2]);
  if (!Number.isSafeInteger(pid) || pid <= 1) fail(`expected the service's main PID, got ${JSON.stringify(process.argv[2] ?? '')}`);
  const directory = process.env.RUNTIME_DIRECTORY?.split(':')[0];
  if (!directory) fail('$RUNTIME_DIRECTORY is not set: run by systemd as ExecReload= of a unit servicehost wrote');
  if (!existsSync(path.join(directory, RELOAD_FILES.accepts))) {
    fail(`the program (pid ${pid}) does not listen for 'reload', and SIGHUP would stop it: add service.on('reload', ...)`);
  }
  const nonce = randomUUID();
  const request = path.join(directory, RELOAD_FILES.request);
  // Whole or not at all: the program may read it at any moment.
  writeFileSync(`${request}.${nonce}`, nonce, { mode: 0o600 });
  renameSync(`${request}.${nonce}`, request);
  process.kill(pid, 'SIGHUP');
  const ack = path.join(directory, RELOAD_FILES.ack);
  const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
  for (;;) {
    const seen = readAck(ack);
    if (seen === `${nonce} ok`) return;
    if (seen === `${nonce} failed`) fail('a reload listener failed; the program logged why');
    if (!alive(pid)) fail(`the program (pid ${pid}) exited during the reload`);
    if (Date.now() > deadline) fail(`no acknowledgement within ${DEFAULT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

void main();
