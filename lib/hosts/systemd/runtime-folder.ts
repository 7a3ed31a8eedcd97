// The unit's runtime folder ($RUNTIME_DIRECTORY, from RuntimeDirectory=), where
// the program and the ExecReload= helper hold the reload handshake. Both
// trust it only when it is a real folder of their own account that no one else
// can write, and never follow a link inside it: a planted link would make
// them write through it, a folder someone else can write would let them plant one.
// Main thread, synchronous calls on a few bytes.
import { closeSync, constants, lstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** The first folder of $RUNTIME_DIRECTORY (systemd joins several with ':'), when absolute. */
export function runtimeFolderOf(env: NodeJS.ProcessEnv): string | undefined {
  const directory = env.RUNTIME_DIRECTORY?.split(':')[0];
  return directory && path.isAbsolute(directory) ? directory : undefined;
}

/**
 * Why `directory` is not a folder this process may trust, or undefined when it
 * is: not a link, a folder, owned by this process's effective user, and
 * without group or other write permission (systemd makes it 0700, owned by User=).
 */
export function runtimeFolderProblem(directory: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(directory);
  } catch (error) {
    return `${directory} cannot be examined (${(error as Error).message})`;
  }
  if (stat.isSymbolicLink()) return `${directory} is a symbolic link, not the unit's own folder`;
  if (!stat.isDirectory()) return `${directory} is not a folder`;
  const euid = process.geteuid?.();
  if (euid !== undefined && stat.uid !== euid) return `${directory} belongs to uid ${stat.uid}, not to this process's user (uid ${euid})`;
  if ((stat.mode & 0o022) !== 0) return `${directory} can be written by its group or by others (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/** Throws an Error saying why, when `directory` is not to be trusted. */
export function checkRuntimeFolder(directory: string): void {
  const problem = runtimeFolderProblem(directory);
  if (problem !== undefined) throw new Error(problem);
}

// O_NOFOLLOW: a link at the name itself is ELOOP, never followed (libuv adds O_CLOEXEC itself).
const NO_FOLLOW = constants.O_NOFOLLOW;

/** Creates `file` (empty, 0600) unless it exists; a link there is an error, not followed. */
export function createFile(file: string): void {
  closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | NO_FOLLOW, 0o600));
}

/** Replaces `file` whole with `text`: a fresh name (O_EXCL) in the same folder, then rename, which replaces a link rather than following it. */
export function replaceFile(file: string, text: string): void {
  const temporary = `${file}.${randomBytes(8).toString('hex')}`;
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
}

/** The first `limit` bytes of `file` as text; a link there is an error, not followed. */
export function readSmallFile(file: string, limit = 256): string {
  const fd = openSync(file, constants.O_RDONLY | NO_FOLLOW);
  try {
    const buffer = Buffer.alloc(limit);
    const length = readSync(fd, buffer, 0, limit, 0);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
