// A doc block that listens on a fixed port (its mark's http=<port>) runs in
// the linux ring and, when it is also a windows-service, under Wine in the
// windows ring: both are processes of this machine, and `npm test` runs the
// rings side by side. This lock, a directory made atomically in the system's
// temp folder and held by the test process's pid, lets one run use the port
// at a time. A holder that died leaves a lock the next taker removes.
import os from 'node:os';
import path from 'node:path';
import { releaseDirLock, tryDirLock } from '../../scripts/dir-lock.mjs';

/** Runs `body` while no other test process runs a doc block on `port` (undefined: no lock). */
export async function withPortLock<T>(port: number | undefined, body: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  if (port === undefined) return body();
  const lock = path.join(os.tmpdir(), `servicehost-docs-port-${port}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = tryDirLock(lock); !attempt.taken; attempt = tryDirLock(lock)) {
    if (Date.now() > deadline) throw new Error(`port ${port} stayed locked by pid ${attempt.holder} (${lock}) for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await body();
  } finally {
    releaseDirLock(lock);
  }
}
