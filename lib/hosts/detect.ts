// Which host this process runs under, decided at once from what the OS left
// in the process: never by waiting on a dispatcher call that may block. A
// platform's code is loaded only on that platform.
import type { Host } from './host';
import type { SystemdHostOptions } from './systemd/systemd-host';
import type { WindowsConsoleHostOptions } from './windows-console';
import type { WindowsServiceHostOptions } from './windows-service';

/** Options for the host Service detects, by host; Service passes them through unread. */
export interface HostOptions {
  /** For the Windows service host (the SCM started the process). */
  windowsService?: WindowsServiceHostOptions;
  /** For the Windows console host (a terminal, a scheduled task). */
  windowsConsole?: WindowsConsoleHostOptions;
  /** For the systemd host (NOTIFY_SOCKET is set). */
  systemd?: Omit<SystemdHostOptions, 'exitProcess'>;
}

/** True when systemd started this process as a service's main process. */
export function isSystemdService(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NOTIFY_SOCKET) || env.SYSTEMD_EXEC_PID === String(process.pid);
}

export function detectHost(options: HostOptions & { exitProcess?: (exitCode: number) => void } = {}): Host {
  const exit = options.exitProcess ? { exitProcess: options.exitProcess } : {};
  if (process.platform === 'win32') {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { isWindowsService } = require('../windows/scm') as typeof import('../windows/scm');
    if (isWindowsService()) {
      const { WindowsServiceHost } = require('./windows-service') as typeof import('./windows-service');
      return new WindowsServiceHost({ ...options.windowsService, ...exit });
    }
    const { WindowsConsoleHost } = require('./windows-console') as typeof import('./windows-console');
    return new WindowsConsoleHost({ ...options.windowsConsole, ...exit });
  }
  if (isSystemdService(options.systemd?.env)) {
    const { SystemdHost } = require('./systemd/systemd-host') as typeof import('./systemd/systemd-host');
    return new SystemdHost({ ...options.systemd, ...exit });
  }
  const { PosixHost } = require('./posix') as typeof import('./posix');
  return new PosixHost(exit);
}
