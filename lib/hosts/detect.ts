// Which host this process runs under, decided at once from what the OS left
// in the process: never by waiting on a dispatcher call that may block.
import { isWindowsService } from '../windows/scm';
import type { Host } from './host';
import { PosixHost } from './posix';
import { SystemdHost, type SystemdHostOptions } from './systemd/systemd-host';
import { WindowsConsoleHost, type WindowsConsoleHostOptions } from './windows-console';
import { WindowsServiceHost, type WindowsServiceHostOptions } from './windows-service';

export interface DetectHostOptions {
  exitProcess?: (exitCode: number) => void;
  windowsService?: WindowsServiceHostOptions;
  windowsConsole?: WindowsConsoleHostOptions;
  systemd?: SystemdHostOptions;
  env?: NodeJS.ProcessEnv;
}

/** True when systemd started this process as a service's main process. */
export function isSystemdService(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NOTIFY_SOCKET) || env.SYSTEMD_EXEC_PID === String(process.pid);
}

export function detectHost(options: DetectHostOptions = {}): Host {
  const exit = options.exitProcess ? { exitProcess: options.exitProcess } : {};
  if (process.platform === 'win32') {
    return isWindowsService()
      ? new WindowsServiceHost({ ...exit, ...options.windowsService })
      : new WindowsConsoleHost({ ...exit, ...options.windowsConsole });
  }
  const env = options.env ?? process.env;
  if (isSystemdService(env)) return new SystemdHost({ ...exit, env, ...options.systemd });
  return new PosixHost(exit);
}
