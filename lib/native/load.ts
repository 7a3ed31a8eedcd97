// Loads the native addon and declares the raw binding's shape, in one place.
// Arguments are checked in TypeScript before they reach C++; the addon checks
// them again, so a caller that bypasses this layer still gets a typed error.
import * as path from 'node:path';
import { ServicehostError } from '../errors';

export interface NativeBuildInfo {
  platform: 'win32' | 'linux' | 'darwin';
  toolchain: 'msvc' | 'mingw-w64' | 'gcc' | 'clang';
  napiVersion: number;
  cppExceptions: boolean;
}

export type NativeDispatcherEvent =
  | { type: 'service-main'; args: string[]; error: Error | undefined; receivedAt: bigint }
  | ({ type: 'control'; control: number; eventType: number; receivedAt: bigint } & NativeControlPayload)
  | { type: 'dispatcher-exit'; error: Error | undefined; receivedAt: bigint };

/** What HandlerEx copied out of lpEventData, by control. */
export interface NativeControlPayload {
  /** POWEREVENT / PBT_POWERSETTINGCHANGE: the setting's GUID, {8-4-4-4-12}. */
  powerSetting?: string;
  /** POWEREVENT / PBT_POWERSETTINGCHANGE: the setting's value. */
  data?: Buffer;
  /** SESSIONCHANGE: WTSSESSION_NOTIFICATION.dwSessionId. */
  sessionId?: number;
  /** TIMECHANGE: ms since 1970, UTC. */
  newTime?: number;
  oldTime?: number;
  /** DEVICEEVENT, HARDWAREPROFILECHANGE: DEV_BROADCAST_HDR.dbch_devicetype. */
  deviceType?: number;
}

export interface NativeStatusRequest {
  state: number;
  controlsAccepted?: number;
  waitHint?: number;
  win32ExitCode?: number;
  serviceSpecificExitCode?: number;
}

export interface NativeServiceStatus {
  state: number;
  controlsAccepted: number;
  checkPoint: number;
  waitHint: number;
  win32ExitCode: number;
  serviceSpecificExitCode: number;
}

export interface NativeBinding extends NativeServiceManager {
  getBuildInfo(): NativeBuildInfo;
  /** Windows only. Starts the SCM control dispatcher on a thread of its own. */
  startDispatcher(options: { onEvent: (event: NativeDispatcherEvent) => void; startWaitHint?: number }): void;
  /** Windows only. Reports the service status to the SCM. */
  setServiceStatus(request: NativeStatusRequest): NativeServiceStatus;
  /** Windows only. Changes SERVICE_ACCEPT_* without a new state or checkpoint. */
  setControlsAccepted(request: { controlsAccepted: number }): NativeServiceStatus;
  /** Windows only, diagnostics: runs the real HandlerEx with a payload built from `payload`. */
  debugInvokeControlHandler(request: {
    control: number;
    eventType?: number;
    payload?: { powerSetting?: Buffer; data?: Buffer; sessionId?: number; newTime?: number; oldTime?: number; deviceType?: number };
  }): number;
  /** Windows only. This process and its parent, from one Toolhelp snapshot. */
  getParentProcess(): { pid: number; parentPid: number; parentName: string };
  /** Windows only. Installs the console control handler (SetConsoleCtrlHandler). */
  startConsoleControlHandler(options: { onEvent: (event: { ctrlType: number; receivedAt: bigint }) => void; closeBudgetMs?: number }): void;
  /** Windows only. Lets a held close, logoff or shutdown event end the process. */
  releaseConsoleControl(): void;
  /** Windows only, diagnostics: GenerateConsoleCtrlEvent(ctrlType, 0) on this process's console. */
  debugGenerateConsoleControl(ctrlType: 0 | 1): void;
  /** Windows only, diagnostics: runs the console handler on a new thread, as the system does; after close, logoff or shutdown it ends the process as Windows would. */
  debugInvokeConsoleHandler(ctrlType: 0 | 1 | 2 | 5 | 6): void;
  /** Windows only. ReportEventW under `source`; type 1 error, 2 warning, 4 information. */
  writeEventLog(entry: { source: string; type: 1 | 2 | 4; eventId?: number; message: string }): void;
  /** POSIX only. One AF_UNIX datagram to `socketPath` ('/path' or '@abstract'), with `fds` as SCM_RIGHTS. */
  sdNotify(socketPath: string, message: string, fds?: readonly number[]): void;
  /** POSIX only. Sets FD_CLOEXEC on an inherited fd and says whether it is a socket. */
  claimInheritedFd(fd: number): { socket: boolean };
}

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

/** The native binding: the prebuilt binary first, then a local build. Loaded once. */
export function loadNative(): NativeBinding {
  if (cached) return cached;
  const attempts: LoadAttempt[] = [];
  const prebuilt = prebuildPath();
  try {
    cached = require(prebuilt) as NativeBinding;
    return cached;
  } catch (error) {
    attempts.push({ where: prebuilt, error });
  }
  try {
    // bindings() looks in build/Release, build/Debug and the other node-gyp and cmake-js folders.
    const bindings = require('bindings') as (options: { bindings: string; module_root: string }) => unknown;
    cached = bindings({ bindings: 'servicehost.node', module_root: packageRoot }) as NativeBinding;
    return cached;
  } catch (error) {
    attempts.push({ where: `bindings: ${path.join(packageRoot, 'build', 'Release', 'servicehost.node')} and the other build folders`, error });
  }
  throw loadFailure(attempts);
}

/** What the loaded binary was built as. */
export function nativeBuildInfo(): NativeBuildInfo {
  return loadNative().getBuildInfo();
}

/** What the SCM reports for one service (SERVICE_STATUS_PROCESS). */
export interface NativeServiceStatusProcess extends NativeServiceStatus {
  serviceType: number;
  processId: number;
  serviceFlags: number;
}

/** CreateServiceW / ChangeServiceConfigW fields; absent means "no change" for the latter. */
export interface NativeServiceConfig {
  displayName?: string;
  imagePath?: string;
  startType?: number;
  errorControl?: number;
  account?: string;
  password?: string;
  dependencies?: string[];
}

export interface NativeQueriedConfig {
  serviceType: number;
  startType: number;
  errorControl: number;
  imagePath: string;
  loadOrderGroup: string;
  dependencies: string[];
  account: string;
  displayName: string;
  description?: string;
  delayedAutoStart?: boolean;
  failureActions?: { resetPeriodSec: number; rebootMessage: string; command: string; actions: Array<{ type: number; delayMs: number }> };
  failureActionsOnNonCrash?: boolean;
  preshutdownTimeoutMs?: number;
  sidType?: number;
  requiredPrivileges?: string[];
  /** Levels the system refused to report, with the error it gave. */
  unavailable: Record<string, Error & { code: string; errno: number }>;
  /** QueryServiceStatusEx on the same handle. */
  status: NativeServiceStatusProcess;
}

export type NativeConfig2 =
  | ['description', string]
  | ['delayedAutoStart', boolean]
  | ['failureActions', { resetPeriodSec?: number; rebootMessage?: string; command?: string; actions: Array<{ type: number; delayMs: number }> }]
  | ['failureActionsOnNonCrash', boolean]
  | ['preshutdownTimeoutMs', number]
  | ['sidType', number]
  | ['requiredPrivileges', string[]];

/** Windows only: the service manager API (cpp/win/manager_*.cc, service_registry.cc). */
export interface NativeServiceManager {
  scmCreateService(config: NativeServiceConfig & { name: string; imagePath: string }): void;
  scmChangeConfig(name: string, config: NativeServiceConfig): void;
  scmQueryConfig(name: string): NativeQueriedConfig;
  scmSetConfig2(name: string, ...level: NativeConfig2): void;
  scmQueryStatus(name: string): NativeServiceStatusProcess;
  scmStartService(name: string, args?: readonly string[]): void;
  scmControlService(name: string, control: number, comment?: string): { status: NativeServiceStatusProcess; via: 'ControlServiceExW' | 'ControlService' };
  scmDeleteService(name: string): void;
  scmEnumServices(): Array<{ name: string; displayName: string; status: NativeServiceStatusProcess }>;
  scmSetEnvironment(name: string, entries: readonly string[]): void;
  scmGetEnvironment(name: string): string[];
  setEventLogSource(source: string, messageFile: string): void;
  getEventLogSource(source: string): string | undefined;
  removeEventLogSource(source: string): boolean;
}
