// A doc block that listens on a fixed port (its mark's http=<port>) runs in
// the linux ring and, when it is also a windows-service, under Wine in the
// windows ring: both are processes of this machine, and `npm test` runs the
// rings side by side. This lock, a directory made atomically in the system's
// temp folder and held by the test process's pid, lets one run use the port
// at a time. A holder that died leaves a lock the next taker removes.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processExists as alive } from '../../lib/process-alive';

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Runs `body` while no other test process runs a doc block on `port` (undefined: no lock). */
export async function withPortLock<T>(port: number | undefined, body: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  if (port === undefined) return body();
  const lock = path.join(os.tmpdir(), `servicehost-docs-port-${port}.lock`);
  const owner = path.join(lock, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(owner, 'utf8'));
      } catch {
        // Made but not yet written: its owner is between the two calls above.
      }
      const dead = Number.isInteger(holder) && holder > 0 ? !alive(holder) : ageMs(lock) > 10_000;
      if (dead) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`port ${port} stayed locked by pid ${holder} (${lock}) for ${timeoutMs} ms`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
