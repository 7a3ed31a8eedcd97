// How the Windows ring's preparation passes from vitest's main process
// (global-setup.ts, which runs it in the background) to the test workers
// (ready.ts): build/windows-ring/ready.json, carrying the run's token so a file
// left by an earlier run is never taken for this one's.
import path from 'node:path';

export interface WindowsRing {
  available: boolean;
  reason: string;
  /** build/windows-ring: where ready.json appears once the preparation ends. */
  runDir: string;
  token: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    windowsRing: WindowsRing;
  }
}

/** The preparation's promise, on globalThis of vitest's main process, for the compat ring's setup. */
export const WINDOWS_PREPARED = Symbol.for('servicehost.windows-ring.prepared');

export const windowsReadyFile = (runDir: string): string => path.join(runDir, 'ready.json');
