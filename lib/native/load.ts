// Loads the native addon once. The binding's shape is declared per OS
// (windows-binding.ts, posix-binding.ts), as node-pty does; every error the
// addon throws is made with ServicehostError, handed in right after loading.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import type { NativePosixBinding } from './posix-binding';
import type { NativeWindowsBinding } from './windows-binding';

/** How the loaded native addon was built. */
export interface NativeBuildInfo {
  /** The operating system it was built for. */
  platform: 'win32' | 'linux' | 'darwin';
  /** The compiler that built it. */
  toolchain: 'msvc' | 'mingw-w64' | 'gcc' | 'clang';
  /** The Node-API version it targets (NAPI_VERSION). */
  napiVersion: number;
  /** Whether it was built with C++ exceptions. */
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

/** The platforms servicehost ships a prebuilt binary for (the release refuses to go out without all of them). */
export const PREBUILT_TARGETS = ['win32-x64', 'win32-arm64', 'linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'] as const;

/** The environment variable that names the addon file explicitly (a bundled app, an unusual layout). */
export const ADDON_PATH_VARIABLE = 'SERVICEHOST_ADDON';

let explicitPath: string | undefined;

/**
 * Names the addon file to load, for a bundled app (esbuild, webpack) whose
 * bundle no longer sits in node_modules/servicehost. Call it before anything
 * of servicehost runs; SERVICEHOST_ADDON does the same from the environment.
 */
export function useNativeAddon(file: string): void {
  if (typeof file !== 'string' || file === '') throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'useNativeAddon(file): file must be the path of servicehost.node');
  if (cached) throw new ServicehostError('ERR_SERVICEHOST_HOST_STATE', 'useNativeAddon(file): the addon is already loaded');
  explicitPath = path.resolve(file);
}

interface LoadAttempt {
  where: string;
  why: string;
  error: unknown;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** Where to look, in order: the explicit path, the package's prebuild, beside a bundle, a local build. */
function candidates(): { where: string; load: () => unknown }[] {
  const target = `${process.platform}-${process.arch}`;
  const named = explicitPath ?? process.env[ADDON_PATH_VARIABLE];
  const list: { where: string; load: () => unknown }[] = [];
  if (named) return [{ where: named, load: () => require(path.resolve(named)) }];
  list.push({ where: prebuildPath(), load: () => require(prebuildPath()) });
  // A bundle (esbuild, webpack) moved this code away from the package: look beside the
  // program, and in the servicehost package the program itself would resolve.
  const program = require.main?.filename ?? process.argv[1];
  if (program) {
    const beside = path.join(path.dirname(program), 'prebuilds', target, 'servicehost.node');
    if (beside !== prebuildPath()) list.push({ where: beside, load: () => require(beside) });
    list.push({
      where: `node_modules/servicehost/prebuilds/${target} as ${program} resolves it`,
      load: () => {
        const installed = path.join(path.dirname(createRequire(program).resolve('servicehost/package.json')), 'prebuilds', target, 'servicehost.node');
        return require(installed);
      },
    });
  }
  list.push({
    where: `a local build (${path.join(packageRoot, 'build', 'Release', 'servicehost.node')} and the other node-gyp and cmake-js folders)`,
    load: () => (require('bindings') as (options: { bindings: string; module_root: string }) => unknown)({ bindings: 'servicehost.node', module_root: packageRoot }),
  });
  return list;
}

function whyNot(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'MODULE_NOT_FOUND' || /Could not locate the bindings file/u.test(firstLine(error))) return 'not there';
  return firstLine(error);
}

function loadFailure(attempts: readonly LoadAttempt[]): ServicehostError {
  const target = `${process.platform}-${process.arch}`;
  const shipped = (PREBUILT_TARGETS as readonly string[]).includes(target);
  const tried = attempts.map((attempt) => `  - ${attempt.where}: ${attempt.why}`).join('\n');
  const solutions = [
    shipped
      ? `  - Reinstall, so that the prebuilt binary for ${target} is in node_modules/servicehost/prebuilds: npm install servicehost`
      : `  - servicehost ships no prebuilt binary for ${target}: build it from source (Python 3, make and a C++17 compiler): npm rebuild servicehost`,
    ...(shipped ? ['  - Or build it from source (Python 3, make and a C++17 compiler): npm rebuild servicehost'] : []),
    `  - A bundled app (esbuild, webpack): copy node_modules/servicehost/prebuilds beside the bundle, or name the file in ${ADDON_PATH_VARIABLE} or with useNativeAddon()`,
    '  - Electron: no electron-rebuild is needed (Node-API); keep servicehost/prebuilds out of the asar archive (asarUnpack)',
    // Off Windows the install goes on without the addon (scripts/install.js): say what needs it.
    ...(process.platform === 'win32'
      ? []
      : ['  - Or do without it: a Service runs on signals alone; only systemd notify (NOTIFY_SOCKET is set), listenFds() and storeFds() need the addon (a systemd unit of Type=simple or Type=exec sets no NOTIFY_SOCKET)']),
  ];
  return new ServicehostError(
    'ERR_SERVICEHOST_NATIVE_LOAD_FAILED',
    `Could not load the servicehost native addon for ${target} (Node ${process.version}). Looked in:\n${tried}\nPossible solutions:\n${solutions.join('\n')}`,
    { cause: attempts.find((attempt) => attempt.why !== 'not there')?.error ?? attempts.at(-1)?.error },
  );
}

let cached: NativeBinding | undefined;

function load(): NativeBinding {
  const attempts: LoadAttempt[] = [];
  for (const candidate of candidates()) {
    try {
      return candidate.load() as NativeBinding;
    } catch (error) {
      attempts.push({ where: candidate.where, why: whyNot(error), error });
    }
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

