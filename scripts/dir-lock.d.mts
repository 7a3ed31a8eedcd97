/** Takes `lock` for this process: taken, or held by another live process (its pid; NaN when not yet written). */
export function tryDirLock(lock: string): { taken: true } | { taken: false; holder: number };
/** Gives `lock` back. */
export function releaseDirLock(lock: string): void;
