// Types for windows-env.mjs, for the TypeScript test harness.
export declare const repoRoot: string;
export declare const WINDOWS_NODE_VERSION: string;
export declare const isNativeWindows: boolean;
export declare const INSTALL_HINT: string;
export declare function windowsEnvironmentProblem(): string | undefined;
export declare function toWindowsPath(hostPath: string): string;
export declare function windowsNodeExe(options?: { renamed?: boolean }): string;
export declare function prepareWindowsEnvironment(): Promise<void>;
export declare function shutdownWindowsEnvironment(): Promise<void>;
export declare function runWindows(
  program: string,
  args?: readonly string[],
  options?: { timeoutMs?: number; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }>;
export declare function sc(args: readonly string[]): Promise<{ code: number; output: string }>;
export interface ServiceQuery {
  exists: boolean;
  /** sc.exe's exit code. */
  code: number;
  state?: string;
  win32ExitCode?: number;
  serviceExitCode?: number;
  checkPoint?: number;
  waitHint?: number;
  output: string;
}
export declare function queryService(name: string): Promise<ServiceQuery>;
export declare function controlService(
  verb: 'pause' | 'continue' | 'interrogate' | 'control' | 'burst',
  name: string,
  code?: number,
  count?: number,
): Promise<{ code: number; output: string }>;
export declare function scQuery(verb: 'qc' | 'qdescription' | 'qfailure', name: string): Promise<{ code: number; output: string }>;
export declare function parseStatus(output: string): Omit<ServiceQuery, 'exists' | 'code' | 'output'>;
export declare function spawnWindowsInPty(program: string, args?: readonly string[]): import('node:child_process').ChildProcess;
