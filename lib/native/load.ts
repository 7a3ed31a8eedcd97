// Loads the native addon once. The binding's shape is declared per OS
// (windows-binding.ts, posix-binding.ts), as node-pty does; every error the
// addon throws is made with ServicehostError, handed in right after loading.
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import type { NativePosixBinding } from './posix-binding';
import type { NativeWindowsBinding } from './windows-binding';

export interface NativeBuildInfo {
  platform: 'win32' | 'linux' | 'darwin';
  toolchain: 'msvc' | 'mingw-w64' | 'gcc' | 'clang';
  napiVersion: number;
  cppExceptions: boolean;
}

interface NativeCommonBinding {
  getBuildInfo(): NativeBuildInfo;
  /** The class every error the addon throws is made with: `new errorClass(code, message)`. */
  useErrorClass(errorClass: new (code: string, message: string) => Error): void;
}

/** The whole binary: it exports every function, and those of the other OS throw a typed error. */
export type NativeBinding = NativeCommonBinding & NativeWindowsBinding & NativePosixBinding;

/** The package's own folder: dist/native/ sits two levels below it. */
export const packageRoot = path.resolve(__dirname, '..', '..');

/** Where a prebuilt binary for this platform lives inside the package. */
export function prebuildPath(platform: string = process.platform, arch: string = process.arch): string {
  return path.join(packageRoot, 'prebuilds', `${platform}-${arch}`, 'servicehost.node');
}

interface LoadAttempt {
  where: string;
  error: unknown;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function loadFailure(attempts: readonly LoadAttempt[]): ServicehostError {
  const tried = attempts.map((a) => `  - ${a.where}: ${firstLine(a.error)}`).join('\n');
  return new ServicehostError(
    'ERR_SERVICEHOST_NATIVE_LOAD_FAILED',
    `Could not load the servicehost native addon for ${process.platform}-${process.arch} (Node ${process.version}).\n` +
      `Tried:\n${tried}\n` +
      'Possible solutions:\n' +
      `  - Reinstall so that the prebuilt binary for ${process.platform}-${process.arch} is used: npm install servicehost\n` +
      '  - Build it from source (needs Python 3 and a C++17 compiler): npm rebuild servicehost\n' +
      '  - In this repository: npm install (builds build/Release), or npm run prebuild\n' +
      '  - Electron: the addon is Node-API, no electron-rebuild is needed; make sure prebuilds/ is not excluded from the app package',
    { cause: attempts[attempts.length - 1]?.error },
  );
}

let cached: NativeBinding | undefined;

function load(): NativeBinding {
  const attempts: LoadAttempt[] = [];
  const prebuilt = prebuildPath();
  try {
    return require(prebuilt) as NativeBinding;
  } catch (error) {
    attempts.push({ where: prebuilt, error });
  }
  try {
    // bindings() looks in build/Release, build/Debug and the other node-gyp and cmake-js folders.
    const bindings = require('bindings') as (options: { bindings: string; module_root: string }) => unknown;
    return bindings({ bindings: 'servicehost.node', module_root: packageRoot }) as NativeBinding;
  } catch (error) {
    attempts.push({ where: `bindings: ${path.join(packageRoot, 'build', 'Release', 'servicehost.node')} and the other build folders`, error });
  }
  throw loadFailure(attempts);
}

/** The native binding: the prebuilt binary first, then a local build. Loaded once. */
export function loadNative(): NativeBinding {
  if (cached) return cached;
  const binding = load();
  binding.useErrorClass(ServicehostError as unknown as new (code: string, message: string) => Error);
  cached = binding;
  return cached;
}

/** The Windows functions, typed as such. */
export function windowsNative(): NativeWindowsBinding {
  return loadNative();
}

/** The POSIX functions, typed as such. */
export function posixNative(): NativePosixBinding {
  return loadNative();
}

/** What the loaded binary was built as. */
export function nativeBuildInfo(): NativeBuildInfo {
  return loadNative().getBuildInfo();
}

