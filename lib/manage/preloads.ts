// The files node loads before the script, named by its own arguments or by
// NODE_OPTIONS in the service's environment: --require, --import, a loader,
// an env file. Each runs (or steers) code as the service's account, so the
// least-privilege check treats each as it treats the script.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node options whose value names a file node reads at start. `resolve`: a module specifier (bare names resolve as node would); else a path from the working directory. */
const FILE_OPTIONS: Record<string, { resolve: boolean }> = {
  '--require': { resolve: true },
  '-r': { resolve: true },
  '--import': { resolve: true },
  '--loader': { resolve: true },
  '--experimental-loader': { resolve: true },
  '--env-file': { resolve: false },
  '--env-file-if-exists': { resolve: false },
  '--experimental-config-file': { resolve: false },
  '--snapshot-blob': { resolve: false },
  '--openssl-config': { resolve: false },
  '--experimental-policy': { resolve: false },
};

export interface Preload {
  option: string;
  value: string;
  resolve: boolean;
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
    if (value !== undefined && value !== '') found.push({ option, value, resolve: known.resolve });
  }
  return found;
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
