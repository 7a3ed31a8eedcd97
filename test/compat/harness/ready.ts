// The compat project's setup file: lowers this worker's priority (below), and
// before a file's own hooks waits until the global setup's background builds
// and pack have ended (failing the file with their error if they failed), and
// fills in the packed files' list, which only the pack knows: the injected ring
// is the one object every inject() of this worker returns, so the file's tests
// read the list from it.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { beforeAll, inject } from 'vitest';
import { compatReadyFile, type CompatReady } from './ready-file';

// Compat files run beside the Windows ring's, whose files are timed and the run's longest
// lane (test/harness/lanes.ts); none of this ring's is timed: this worker, and the npm, tsc,
// qemu and Wine it starts, take the processor after them (nice 10).
os.setPriority(10);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readReady(runDir: string, token: string): CompatReady | undefined {
  const file = compatReadyFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    const ready = JSON.parse(readFileSync(file, 'utf8')) as CompatReady;
    return ready.token === token ? ready : undefined;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  const ring = inject('compatRing');
  let ready = readReady(ring.runDir, ring.token);
  while (!ready) {
    await sleep(100);
    ready = readReady(ring.runDir, ring.token);
  }
  if (ready.error !== undefined || !ready.files) throw new Error(`the compat ring's prebuilds and pack failed: ${ready.error}`);
  ring.files = ready.files;
}, 600_000);
