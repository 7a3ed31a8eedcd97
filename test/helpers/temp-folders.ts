// Temporary folders a test file makes, removed after its tests: real paths
// (no /tmp link in them), with a mode when the test needs one (the
// least-privilege check judges the folder itself).
import { chmodSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

export function tempFolders(prefix: string, mode?: number): { make(): string; made: string[] } {
  const made: string[] = [];
  afterAll(() => {
    for (const folder of made) rmSync(folder, { recursive: true, force: true });
  });
  return {
    made,
    make() {
      const folder = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
      made.push(folder);
      if (mode !== undefined) chmodSync(folder, mode);
      return folder;
    },
  };
}
