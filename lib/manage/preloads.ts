// What the service's node reads at start that changes what it runs, in one
// table each: the node options whose value names a file (--require, --import,
// a loader, an env file, an OpenSSL config, ICU data), the environment
// variables that name a file or folder node, OpenSSL or the dynamic linker
// loads (LD_PRELOAD, SERVICEHOST_ADDON, NODE_EXTRA_CA_CERTS, OPENSSL_CONF, ...),
// and the options that open the inspector. Each file runs (or steers) code as
// the service's account, so the least-privilege check treats each as it
// treats the script; the inspector lets any local user who reaches its port
// run code as that account, and a data: (or other non-file) URL runs code no
// file check can follow, so each is refused as a writable file is.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADDON_PATH_VARIABLE } from '../native/load';

/** A list of paths as this OS writes one (`:`, on Windows `;`). */
const PATH_LIST = path.delimiter === ';' ? /;/u : /:/u;

/**
 * Node options whose value names something node reads at start. `resolve`: a
 * module specifier (bare names resolve as node would); else a path from the
 * working directory. `url`: node's ES module loader takes it, as a URL (a path
 * is resolved as one: %-escapes decoded, ?query and #hash dropped; data: is
 * code itself); without it, require takes it (no URLs). `folder`: it names a
 * folder whose files node reads (walked).
 */
const FILE_OPTIONS: Record<string, { resolve: boolean; url?: true; folder?: true }> = {
  '--require': { resolve: true },
  '-r': { resolve: true },
  '--import': { resolve: true, url: true },
  '--loader': { resolve: true, url: true },
  '--experimental-loader': { resolve: true, url: true },
  '--env-file': { resolve: false },
  '--env-file-if-exists': { resolve: false },
  '--experimental-config-file': { resolve: false },
  '--snapshot-blob': { resolve: false },
  // An OpenSSL config can load engines and providers: code.
  '--openssl-config': { resolve: false },
  '--experimental-policy': { resolve: false },
  '--icu-data-dir': { resolve: false, folder: true },
};

/** Node options that read an env file (whose NODE_OPTIONS node then takes too). */
export const ENV_FILE_OPTIONS: readonly string[] = ['--env-file', '--env-file-if-exists'];

/**
 * Environment variables whose value names what the service's process loads or
 * trusts: a file, or a folder (its files are read: walked). `split`: a list,
 * and what separates its items.
 */
export const ENV_PATHS: Record<string, { reads: 'file' | 'folder'; split?: RegExp }> = {
  LD_PRELOAD: { reads: 'file', split: /[\s:]+/u }, // the dynamic linker loads it into node
  LD_AUDIT: { reads: 'file', split: /[\s:]+/u }, // the dynamic linker loads these auditing libraries into node
  LD_LIBRARY_PATH: { reads: 'folder', split: PATH_LIST }, // the dynamic linker searches it first
  DYLD_INSERT_LIBRARIES: { reads: 'file', split: PATH_LIST }, // macOS's LD_PRELOAD (a launchd job's environment)
  DYLD_LIBRARY_PATH: { reads: 'folder', split: PATH_LIST }, // macOS's LD_LIBRARY_PATH
  NODE_COMPILE_CACHE: { reads: 'folder' }, // node runs the V8 code cached in it (Node 22+)
  NODE_PATH: { reads: 'folder', split: PATH_LIST }, // node searches it for bare requires
  [ADDON_PATH_VARIABLE]: { reads: 'file' }, // servicehost loads it as its native addon
  NODE_EXTRA_CA_CERTS: { reads: 'file' }, // node trusts the certificates in it
  SSL_CERT_FILE: { reads: 'file' }, // OpenSSL trusts the certificates in it
  SSL_CERT_DIR: { reads: 'folder', split: PATH_LIST }, // OpenSSL trusts the certificates in it
  OPENSSL_CONF: { reads: 'file' }, // an OpenSSL config loads engines and providers
  OPENSSL_MODULES: { reads: 'folder' }, // OpenSSL loads its providers from it
  NODE_ICU_DATA: { reads: 'folder' }, // node reads its ICU data from it
};

/** Options that open the inspector: whoever reaches its port (any local user, at least) runs code in the process. */
const INSPECTOR_OPTIONS: readonly string[] = ['--inspect', '--inspect-brk', '--inspect-wait', '--inspect-port', '--debug-port', '--inspect-brk-node'];

export interface Preload {
  option: string;
  value: string;
  resolve: boolean;
  /** It names a folder (walked), not a file. */
  folder?: true;
}

/** NODE_OPTIONS split as node splits it: on spaces, with "double quotes" and \-escapes inside them. */
export function splitNodeOptions(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      word += text[++i];
    } else if (char === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (char === ' ' && !quoted) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Each file option in `args`, in both `--x=v` and `--x v` forms. */
export function preloadsOf(args: readonly string[]): Preload[] {
  const found: Preload[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const equals = arg.indexOf('=');
    const option = equals > 0 ? arg.slice(0, equals) : arg;
    const known = FILE_OPTIONS[option];
    if (known === undefined) continue;
    const value = equals > 0 ? arg.slice(equals + 1) : args[++i];
    if (value !== undefined && value !== '') found.push({ option, value, resolve: known.resolve, ...(known.folder ? { folder: true as const } : {}) });
  }
  return found;
}

/** Each inspector option in `args` (before `--`), as written. */
export function inspectorOptionsOf(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).filter((arg) => INSPECTOR_OPTIONS.includes(arg.split('=')[0]!));
}

/** The preloads of a service: its node arguments, then NODE_OPTIONS from its environment. */
export function servicePreloads(nodeArgs: readonly string[], env: Readonly<Record<string, string>>): Preload[] {
  return [...preloadsOf(nodeArgs), ...(env.NODE_OPTIONS === undefined ? [] : preloadsOf(splitNodeOptions(env.NODE_OPTIONS)))];
}

/**
 * Where a preload leads, before any lookup: a path (in the service's own file
 * system, as node reads it), a bare name to look up from the working
 * directory, nothing to check (`none`: a built-in, or a URL node refuses), or
 * code no file check can follow (`unseen`: refused).
 */
export type PreloadTarget = { path: string } | { name: string } | { none: string } | { unseen: string };

/** A URL scheme (RFC 3986), as node's ES module loader takes one. */
const SCHEME = /^([a-z][a-z0-9+.-]*):/iu;

/** What the ES module loader resolves as a relative or absolute URL path, as node decides it: /, ./, ../, . and .. */
const ESM_PATH = /^(?:\/|\.\.?(?:\/|$))/u;

/** What require takes as a path from the working directory: ./x, ../x, . and .. (and .\x, ..\x). */
const REQUIRE_RELATIVE = /^\.\.?(?:[\\/]|$)/u;

/** Why node can run code from a URL of this scheme that no file check sees. */
function unseenWhy(scheme: string): string {
  if (scheme === 'data') return 'a data: URL is code written into the option, and it can import any file: the check cannot see what it runs (name a file instead)';
  if (scheme === 'http' || scheme === 'https') return `an ${scheme}: URL is code fetched over the network (--experimental-network-imports): no file check sees it (name a file instead)`;
  return `a ${scheme}: URL is resolved by a loader hook, which can map it to any code: the check cannot follow it (name a file instead)`;
}

/** Where `preload` leads from `workingDirectory`, as node takes its value (see PreloadTarget). */
export function preloadTarget(preload: Preload, workingDirectory: string): PreloadTarget {
  const value = preload.value;
  // A file option's value is a path to node, never a URL: "data:x" is the file ./data:x.
  if (!preload.resolve) return { path: path.resolve(workingDirectory, value) };
  if (value.startsWith('node:')) return { none: 'a built-in module' };
  const url = FILE_OPTIONS[preload.option]?.url === true;
  if (url && ESM_PATH.test(value)) {
    try {
      return { path: fileURLToPath(new URL(value, pathToFileURL(path.join(workingDirectory, '[preload]')))) };
    } catch {
      return { none: 'a URL path that names no local file' };
    }
  }
  if (path.isAbsolute(value)) return { path: value };
  if (!url) return REQUIRE_RELATIVE.test(value) ? { path: path.resolve(workingDirectory, value) } : { name: value };
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { name: value };
  if (scheme !== 'file') return { unseen: unseenWhy(scheme) };
  try {
    return { path: fileURLToPath(value) };
  } catch {
    return { none: 'a file: URL that names no local file' };
  }
}

/**
 * The file a preload names, resolved from the working directory as node
 * resolves it; `none` saying why not when it cannot be (not there yet, a
 * package that is not installed), `unseen` when it is code no file check sees.
 * `at` places a path of the service's file system (an offline root's).
 */
export function resolvePreload(preload: Preload, workingDirectory: string, at: (file: string) => string = (file) => file): { file: string } | { none: string } | { unseen: string } {
  const target = preloadTarget(preload, workingDirectory);
  if ('none' in target || 'unseen' in target) return target;
  if ('path' in target && !preload.resolve) return { file: at(target.path) };
  const from = at(workingDirectory);
  try {
    const file = createRequire(path.join(from, '[preload]')).resolve('path' in target ? at(target.path) : target.name);
    return path.isAbsolute(file) ? { file } : { none: 'a built-in module' };
  } catch {
    return { none: `cannot be resolved from ${from}` };
  }
}
