// How the compat ring's builds and pack pass from vitest's main process
// (global-setup.ts, which runs them in the background) to the test workers
// (ready.ts): build/compat/ready/ready.json, carrying the run's token so a file
// left by an earlier run is never taken for this one's.
import path from 'node:path';

export interface CompatReady {
  token: string;
  /** The files `npm pack` put in the tarball. */
  files?: string[];
  /** Why the builds or the pack failed. */
  error?: string;
}

export const compatReadyFile = (runDir: string): string => path.join(runDir, 'ready.json');
