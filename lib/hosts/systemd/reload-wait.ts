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
// It trusts the folder only when it is the helper's own and no one else can
// write it, writes through no link, and signals only a process in its own
// unit's cgroup: a PID from anywhere else is refused, never signalled.
import { randomUUID } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RELOAD_FILES } from '../../lifecycle/installed-environment';
import { unitCgroups } from './cgroup';
import { MAX_PID, parseMainPid } from './decimal';
import { readSmallFile, replaceFile, runtimeFolderOf, runtimeFolderProblem } from './runtime-folder';
import { processExists as alive } from '../../process-alive';

const POLL_MS = 10;
// systemd bounds ExecReload= with TimeoutStartSec= as well; this is for a run by hand.
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function fail(message: string): never {
  process.stderr.write(`servicehost reload: ${message}\n`);
  process.exit(1);
}

function readCgroups(pid: number | 'self'): string {
  try {
    return unitCgroups(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (pid !== 'self' && code === 'ENOENT') fail(`there is no process ${pid}: the program is not running`);
    return fail(`cannot read /proc/${pid}/cgroup (${(error as Error).message})`);
  }
}

function readAck(file: string): string | undefined {
  try {
    return readSmallFile(file).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const pid = parseMainPid(process.argv[2]);
  if (pid === undefined) fail(`expected the service's main PID (decimal, 2 to ${MAX_PID}), got ${JSON.stringify(process.argv[2] ?? '')}`);
  const directory = runtimeFolderOf(process.env);
  if (directory === undefined) fail('$RUNTIME_DIRECTORY is not set to an absolute path: run by systemd as ExecReload= of a unit servicehost wrote');
  const problem = runtimeFolderProblem(directory);
  if (problem !== undefined) fail(`the unit's runtime folder cannot be trusted: ${problem}`);
  try {
    lstatSync(path.join(directory, RELOAD_FILES.accepts));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      fail(`cannot look in the unit's runtime folder ${directory} (${(error as Error).message}): this helper, uid ${process.geteuid?.()}, has no access to it`);
    }
    fail(`the program (pid ${pid}) does not listen for 'reload', and SIGHUP would stop it: add service.on('reload', ...)`);
  }
  // Only the unit's own main process: a pid from elsewhere (by hand, or
  // reused) must never get the signal. The pid could still exit and be reused
  // between this check and the kill; that window is a few microseconds.
  const own = readCgroups('self');
  if (own === '') fail('cannot tell which unit this helper runs in: /proc/self/cgroup names no unified or name=systemd hierarchy');
  if (readCgroups(pid) !== own) fail(`process ${pid} is not in this unit's cgroup (${own.replace(/\n/gu, ', ')}): it is not the unit's main process, and is not signalled`);
  const nonce = randomUUID();
  // Whole or not at all: the program may read it at any moment.
  replaceFile(path.join(directory, RELOAD_FILES.request), nonce);
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') fail(`the program (pid ${pid}) exited before the reload`);
    fail(`cannot signal the program (pid ${pid}): ${code === 'EPERM' ? 'not permitted (EPERM): it runs as another user than this helper' : (error as Error).message}`);
  }
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

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
