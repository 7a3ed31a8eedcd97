// Types for systemd-live.mjs, for the TypeScript test harness.
export interface GuestTarget {
  kind: 'nsenter';
  /** The guest's PID 1, as this machine numbers it. */
  pid: number;
}
export interface GuestRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}
export interface GuestShutdown {
  forced: boolean;
  durationMs: number;
  exit: { code: number | null; signal: string | null } | undefined;
  /** PIDs still alive after the shutdown: must be empty. */
  leftovers: number[];
}
export type LiveRelease = 'bookworm' | 'trixie';
export interface Guest {
  backend: 'nspawn' | 'qemu-kvm' | 'qemu-tcg';
  release: LiveRelease;
  /** The guest's `systemctl --version`: its number and first line. */
  systemd: { version: number; line: string };
  target: GuestTarget;
  bootMs: number;
  consoleLog: string;
  shutdown(): Promise<GuestShutdown>;
}
export declare const BACKENDS: readonly string[];
export declare const INSTALL_HINT: string;
export declare function backendsWanted(): string[];
export declare function liveRingProblem(release?: LiveRelease): string | undefined;
export declare function ensureGuestRoot(options?: { log?: (line: string) => void; release?: LiveRelease }): Promise<string>;
/** `netns`: a network namespace file a test made, joined instead of a loopback-only one; `label` names the console log. */
export declare function bootGuest(options?: { log?: (line: string) => void; release?: LiveRelease; netns?: string; label?: string }): Promise<Guest>;
export declare function guestCommand(target: GuestTarget, argv: readonly string[], options?: { env?: Record<string, string>; cwd?: string }): string[];
export declare function runInGuest(
  target: GuestTarget,
  argv: readonly string[],
  options?: { timeoutMs?: number; env?: Record<string, string>; cwd?: string; input?: string },
): Promise<GuestRun>;
export declare const ROOT_MARKER: string;
export declare function markerText(packages: readonly string[]): string;
export declare function readMarker(root: string): { harness: string; builtAt: string; packages: string[] } | undefined;
export declare function assertBootableRoot(root: string, cacheDir: string): string;
export declare const GUEST_CHECKOUT: string;
export declare const GUEST_NODE: string;
export declare const GUEST_RESULTS: string;
export declare const liveDir: string;
export declare const logsDir: string;
export declare const RELEASES: Readonly<Record<LiveRelease, { systemd: number }>>;
export declare const DEFAULT_RELEASE: LiveRelease;
export declare function liveRelease(release?: string): LiveRelease;
export declare function releaseDirs(release?: string): { rootDir: string; resultsDir: string; runDir: string };
export declare const resultsDir: string;
export declare const rootDir: string;
