// The Windows project's setup file: before a file's own hooks, wait until the
// global setup's background preparation (the Wine prefix, Windows Node, the
// cross-built addon and scctl.exe) has ended, and fail the file with its error
// if it failed. Nothing to wait for when the ring is skipped.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, inject } from 'vitest';
import { windowsReadyFile } from './ready-file';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readReady(runDir: string, token: string): { error?: string } | undefined {
  const file = windowsReadyFile(runDir);
  if (!existsSync(file)) return undefined;
  try {
    const ready = JSON.parse(readFileSync(file, 'utf8')) as { token: string; error?: string };
    return ready.token === token ? ready : undefined;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  const ring = inject('windowsRing');
  if (!ring.available) return;
  let ready = readReady(ring.runDir, ring.token);
  while (!ready) {
    await sleep(100);
    ready = readReady(ring.runDir, ring.token);
  }
  if (ready.error !== undefined) throw new Error(`the Windows ring could not be prepared: ${ready.error}`);
}, 600_000);
