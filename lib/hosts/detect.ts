// Which host this process runs under, decided at once from what the OS left
// in the process: never by waiting on a dispatcher call that may block. A
// platform's code is loaded only on that platform. The package's entry hands
// this to Service (lib/index.ts), as node-pty's index picks its terminal class.
import type { Host } from './host';
import type { HostOptions } from './host-options';

/**
 * What the host is built from: the part of `new Service(options)` that
 * Service passes on unread. The signal lists go to the hosts that hear
 * signals (posix, systemd), which check them; the others have none.
 */
export interface HostChoice {
  hostOptions?: HostOptions;
  exitProcess?: (exitCode: number) => void;
  stopSignals?: readonly NodeJS.Signals[];
  reloadSignals?: readonly NodeJS.Signals[];
}

/** True when systemd started this process as a service's main process. */
export function isSystemdService(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NOTIFY_SOCKET) || env.SYSTEMD_EXEC_PID === String(process.pid);
}

export function detectHost(choice: HostChoice = {}): Host {
  const { hostOptions = {}, exitProcess, stopSignals, reloadSignals } = choice;
  const exit = exitProcess ? { exitProcess } : {};
  if (process.platform === 'win32') {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { isWindowsService } = require('../windows/scm') as typeof import('../windows/scm');
    if (isWindowsService()) {
      const { WindowsServiceHost } = require('./windows-service') as typeof import('./windows-service');
      return new WindowsServiceHost({ ...hostOptions.windowsService, ...exit });
    }
    const { WindowsConsoleHost } = require('./windows-console') as typeof import('./windows-console');
    return new WindowsConsoleHost({ ...hostOptions.windowsConsole, ...exit });
  }
  const signals = { ...(stopSignals === undefined ? {} : { stopSignals }), ...(reloadSignals === undefined ? {} : { reloadSignals }) };
  if (isSystemdService(hostOptions.systemd?.env)) {
    const { SystemdHost } = require('./systemd/systemd-host') as typeof import('./systemd/systemd-host');
    return new SystemdHost({ ...hostOptions.systemd, ...signals, ...exit });
  }
  const { PosixHost } = require('./posix') as typeof import('./posix');
  return new PosixHost({ ...signals, ...exit });
}
