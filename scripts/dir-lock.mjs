// A lock between processes of this machine: a directory made atomically,
// holding its taker's pid. A lock whose process has ended (or whose pid was
// never written, 10 s on) is stale, and the next taker removes it. Used where
// two processes must not share one thing: a cmake tree (prebuild.mjs), a fixed
// port of the doc tests (test/helpers/port-lock.ts).
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** An unwritten pid this old means its taker died between mkdir and the write. */
const UNWRITTEN_STALE_MS = 10_000;

function exists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code !== 'ESRCH';
  }
}

/**
 * Takes `lock` for this process: true once taken, or undefined while another
 * live process holds it, with that holder's pid (NaN when not yet written).
 */
export function tryDirLock(lock) {
  const owner = path.join(lock, 'pid');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return { taken: true };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(owner, 'utf8'));
    } catch {
      // Made but not yet written: its taker is between the two calls above.
    }
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue;
    }
    const stale = Number.isInteger(holder) && holder > 0 ? !exists(holder) : age > UNWRITTEN_STALE_MS;
    if (!stale) return { taken: false, holder };
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Gives `lock` back. */
export function releaseDirLock(lock) {
  rmSync(lock, { recursive: true, force: true });
}
