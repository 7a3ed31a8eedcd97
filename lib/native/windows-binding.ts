// The raw binding's Windows functions (cpp/win/), typed. Arguments are checked
// in TypeScript, at the public edge, before they reach C++.
/**
 * What the dispatcher hands JavaScript, as the C++ lays it out (cpp/win/dispatcher_binding.cc).
 * `receivedAt`: ms on the clock of `Number(process.hrtime.bigint()) / 1e6`, taken natively.
 */
export type NativeDispatcherRecord =
  | { type: 'service-main'; args: string[]; error: Error | undefined; receivedAt: number }
  | ({ type: 'control'; code: number; eventType: number; repeats: number; receivedAt: number } & NativeControlPayload)
  | { type: 'dispatcher-exit'; error: Error | undefined; receivedAt: number };

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

/** What the dispatcher does on its own (cpp/win/service_dispatcher.h, DispatcherPolicy). */
export interface NativeDispatcherPolicy {
  /** Wait hint of the STOP_PENDING reported natively on stop, shutdown and preshutdown. */
  stopWaitHint?: number;
  /** Wait hint of the PAUSE_PENDING and CONTINUE_PENDING reported natively. */
  pendingWaitHint?: number;
  /** Codes 128-255 reach JavaScript; otherwise HandlerEx refuses them. */
  deliverCustom?: boolean;
  /** INTERROGATE is forwarded too (it is always answered natively). */
  deliverInterrogate?: boolean;
}

/** The functions that talk to the SCM as a service: the dispatcher and its status. */
export interface NativeDispatcherBinding {
  /** Starts the SCM control dispatcher on a thread of its own; holds the process until 'dispatcher-exit' is delivered after STOPPED (at most 10 s after it). */
  startDispatcher(options: { onEvent: (event: NativeDispatcherRecord) => void; startWaitHint?: number } & NativeDispatcherPolicy): void;
  /** Reports the service status to the SCM; controlsAccepted left out keeps the current ones. */
  setServiceStatus(request: NativeStatusRequest): NativeServiceStatus;
  /** Changes SERVICE_ACCEPT_* without a new state or checkpoint. */
  setControlsAccepted(request: { controlsAccepted: number }): NativeServiceStatus;
  /** Changes what the dispatcher does on its own; fields left out keep their value. */
  setDispatcherPolicy(policy: NativeDispatcherPolicy): void;
  /** Events delivered; past the queue's bound (1024 custom or interrogate waiting), repeats merged into a waiting one and the rest dropped. */
  getDispatcherStats(): { delivered: number; merged: number; dropped: number };
  /** Diagnostics: runs the real HandlerEx with a payload built from `payload`. */
  debugInvokeControlHandler(request: {
    control: number;
    eventType?: number;
    payload?: { powerSetting?: Buffer; data?: Buffer; sessionId?: number; newTime?: number; oldTime?: number; deviceType?: number };
  }): number;
}

/** The raw binding's Windows functions (cpp/win/). Elsewhere each throws ERR_SERVICEHOST_UNSUPPORTED_PLATFORM. */
export interface NativeWindowsBinding extends NativeDispatcherBinding, NativeServiceManager {
  /** This process and its parent, from one Toolhelp snapshot. */
  getParentProcess(): { pid: number; parentPid: number; parentName: string };
  /** Installs the console control handler (SetConsoleCtrlHandler). */
  startConsoleControlHandler(options: { onEvent: (event: { ctrlType: number; receivedAt: number }) => void; closeBudgetMs?: number }): void;
  /** Lets a held close, logoff or shutdown event end the process. */
  releaseConsoleControl(): void;
  /** Removes the console control handler (Windows' default handling again); a later start installs it anew. */
  stopConsoleControlHandler(): void;
  /** Diagnostics: GenerateConsoleCtrlEvent(ctrlType, 0) on this process's console. */
  debugGenerateConsoleControl(ctrlType: 0 | 1): void;
  /** Diagnostics: runs the console handler on a new thread, as the system does; after close, logoff or shutdown it ends the process as Windows would. */
  debugInvokeConsoleHandler(ctrlType: 0 | 1 | 2 | 5 | 6): void;
  /** ReportEventW under `source`; type 1 error, 2 warning, 4 information. */
  writeEventLog(entry: { source: string; type: 1 | 2 | 4; eventId?: number; message: string }): void;
  /**
   * Output capture (cpp/win/std_capture.cc): opens `path` for appending, shared for read, write and delete,
   * and makes it the standard handles, node's C runtime fds 1 and 2 and the addon's; an earlier capture's file is let go.
   * `nodeFds` false: the host exports no way to move node's fds 1 and 2 (Electron); JavaScript writes to `stdoutFd`/`stderrFd` instead.
   * `nodeStreams`: node's own stdout/stderr FILE streams (its fatal errors) write to fds 1 and 2.
   */
  captureOutput(path: string): { nodeFds: boolean; nodeStreams: boolean; stdoutFd: number; stderrFd: number };
  /** The current capture file's size in bytes; -1 when nothing is captured. */
  capturedOutputSize(): number;
  /** ShellExecuteExW "runas" (hidden window), then waits for the process, on a thread of its own; ERROR_CANCELLED (1223) when the prompt is declined. */
  runElevated(request: { program: string; parameters?: string; directory?: string }): Promise<{ exitCode: number }>;
  /** Creates a folder whose protected DACL admits only this process's user, Administrators and SYSTEM; returns its owner and DACL as read back (SDDL). */
  createPrivateDirectory(path: string): string;
  /** Puts this process in a job with KILL_ON_JOB_CLOSE and BREAKAWAY_OK whose handle is never closed (cpp/win/job_object.cc): its children end with it. */
  joinKillOnCloseJob(): { nested: boolean; already: boolean };
  /**
   * Whether process `pid` runs, by OpenProcess(SYNCHRONIZE) and a wait of no time (cpp/win/process_state.cc):
   * 'gone' when it has ended or no process has that id, 'unknown' when even that access is refused.
   * `pid` an integer from 1 to 2^32 - 1, else ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE.
   */
  processState(pid: number): 'running' | 'gone' | 'unknown';
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

/**
 * The service manager API (cpp/win/manager_*.cc, service_registry.cc). The
 * last argument of each scm* function is the machine: `\\server` for another
 * machine's SCM (its RPC) and registry (RegConnectRegistryW), undefined for
 * this one. TypeScript checks it first (lib/manage/remote-host.ts).
 */
export interface NativeServiceManager {
  scmCreateService(config: NativeServiceConfig & { name: string; imagePath: string }, machine?: string | undefined): void;
  scmChangeConfig(name: string, config: NativeServiceConfig, machine?: string | undefined): void;
  scmQueryConfig(name: string, machine?: string | undefined): NativeQueriedConfig;
  scmSetConfig2(name: string, ...levelAndMachine: [...NativeConfig2, machine?: string | undefined]): void;
  scmQueryStatus(name: string, machine?: string | undefined): NativeServiceStatusProcess;
  scmStartService(name: string, args?: readonly string[], machine?: string | undefined): void;
  scmControlService(name: string, control: number, comment?: string, machine?: string | undefined): { status: NativeServiceStatusProcess; via: 'ControlServiceExW' | 'ControlService' };
  scmDeleteService(name: string, machine?: string | undefined): void;
  scmEnumServices(machine?: string | undefined): Array<{ name: string; displayName: string; status: NativeServiceStatusProcess }>;
  scmSetEnvironment(name: string, entries: readonly string[], machine?: string | undefined): void;
  scmGetEnvironment(name: string, machine?: string | undefined): string[];
  scmSetServiceValue(name: string, valueName: string, text: string, machine?: string | undefined): void;
  /** Who besides administrators can change `path`: broad groups its DACL lets write, a non-administrator owner. */
  fileWriters(path: string): Array<{ who: string; why: string }>;
  /** A service's log folder: a protected DACL, SYSTEM and Administrators full control, `account` modify, Users read (cpp/win/file_acl.cc). */
  setLogDirectoryAcl(path: string, account?: string): void;
  /** The DACL of `path` as SDDL, as the system reports it. */
  fileDacl(path: string): string;
  scmGetServiceValue(name: string, valueName: string, machine?: string | undefined): string | undefined;
  /** Registers the source for servicehost's service `owner`; false when a source of that name exists and is not servicehost's (it is left as it is). */
  setEventLogSource(source: string, messageFile: string, owner: string): boolean;
  getEventLogSource(source: string): { messageFile: string | undefined; owner: string | undefined } | undefined;
  /** Removes a source servicehost registered for `owner`; false when there is none, or it is not servicehost's. */
  removeEventLogSource(source: string, owner: string): boolean;
  /** The account's own user rights in the local security policy; `account` is DOMAIN\\user, .\\user or a SID string. */
  getAccountRights(account: string): { sid: string; rights: string[] };
  /** LsaAddAccountRights. */
  grantAccountRights(account: string, rights: readonly string[]): void;
  /** LsaRemoveAccountRights: these rights only, never the account's whole entry. */
  revokeAccountRights(account: string, rights: readonly string[]): void;
}
