// What the service's node reads at start that changes what it runs, in one
// table each: the node options whose value names a file (--require, --import,
// a loader, an env file, an OpenSSL config, ICU data), the environment
// variables that name a file or folder node, OpenSSL or the dynamic linker
// loads (LD_PRELOAD, SERVICEHOST_ADDON, NODE_EXTRA_CA_CERTS, OPENSSL_CONF, ...),
// and the options that open the inspector. Each file runs (or steers) code as
// the service's account, so the least-privilege check treats each as it
// treats the script; the inspector lets any local user who reaches its port
// run code as that account, so it is refused as a writable file is.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON_PATH_VARIABLE } from '../native/load';

/** A list of paths as this OS writes one (`:`, on Windows `;`). */
const PATH_LIST = path.delimiter === ';' ? /;/u : /:/u;

/**
 * Node options whose value names something node reads at start. `resolve`: a
 * module specifier (bare names resolve as node would); else a path from the
 * working directory. `folder`: it names a folder whose files node reads (walked).
 */
const FILE_OPTIONS: Record<string, { resolve: boolean; folder?: true }> = {
  '--require': { resolve: true },
  '-r': { resolve: true },
  '--import': { resolve: true },
  '--loader': { resolve: true },
  '--experimental-loader': { resolve: true },
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
 * The file a preload names, resolved from the working directory as node
 * resolves it; a string saying why not when it cannot be (not there yet, a
 * data: URL, a package that is not installed).
 */
export function resolvePreload(preload: Preload, workingDirectory: string): { file: string } | { none: string } {
  let value = preload.value;
  if (value.startsWith('node:')) return { none: 'a built-in module' };
  if (value.startsWith('file:')) {
    try {
      value = fileURLToPath(value);
    } catch {
      return { none: 'a file: URL that names no local file' };
    }
  } else if (/^[a-z][a-z0-9+.-]*:/iu.test(value) && !path.isAbsolute(value)) {
    return { none: 'a URL, not a file' };
  }
  if (!preload.resolve) return { file: path.resolve(workingDirectory, value) };
  try {
    const file = createRequire(path.join(workingDirectory, '[preload]')).resolve(value);
    return path.isAbsolute(file) ? { file } : { none: 'a built-in module' };
  } catch {
    return { none: `cannot be resolved from ${workingDirectory}` };
  }
}
