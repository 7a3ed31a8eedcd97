// Unit files and plists are written whole, then renamed into place, so the
// service manager never reads half a file. The temporary file has a random
// name and is created new (O_CREAT | O_EXCL | O_NOFOLLOW): a symlink or a
// file someone planted at a predictable name is never followed or reused.
// Its mode is set on the open file, which is flushed to disk before the rename.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { ServiceManagerError, translateSystemError } from './errors';

/** Who may write to a folder besides its owner, or who else owns it; undefined when only we (or root) can. */
export function unsafeFolderReason(folder: string, uid: number | undefined = process.getuid?.()): string | undefined {
  if (uid === undefined) return undefined; // Windows: ACLs, not modes
  const stat = statSync(folder);
  if (stat.uid !== uid && stat.uid !== 0) return `it is owned by uid ${stat.uid}`;
  const writers = modeWriters(stat.mode);
  if (writers.everyone || writers.owningGroup) return `it is writable by ${writers.everyone ? 'everyone' : 'its group'}`;
  return undefined;
}

/** Whom a POSIX mode's write bits let change an entry besides its owner (S_IWOTH, S_IWGRP). */
export function modeWriters(mode: number): { everyone: boolean; owningGroup: boolean } {
  return { everyone: (mode & 0o002) !== 0, owningGroup: (mode & 0o020) !== 0 };
}

export function writeFileAtomically(file: string, text: string, service: string, doing: string, options: { allowUnsafeFolder?: boolean } = {}): void {
  const folder = path.dirname(file);
  let temporary: string | undefined;
  try {
    mkdirSync(folder, { recursive: true });
    const unsafe = options.allowUnsafeFolder ? undefined : unsafeFolderReason(folder);
    if (unsafe) {
      throw new ServiceManagerError(
        'ERR_SERVICEHOST_UNSAFE_PATH',
        service,
        `Refusing to ${doing} "${service}": ${folder} is not safe to write a service definition into (${unsafe}); another user could replace what the service manager runs`,
      );
    }
    temporary = path.join(folder, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, text);
      fchmodSync(fd, 0o644);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    temporary = undefined;
  } catch (error) {
    if (temporary !== undefined) rmSync(temporary, { force: true });
    throw translateSystemError(error, service, doing);
  }
}
