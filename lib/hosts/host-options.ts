// The options of the host Service picks, by host: what `new Service({ hostOptions })`
// passes through unread. A leaf of types, so that the lifecycle can name them
// without reaching the detection that builds the hosts.
import type { SystemdHostOptions } from './systemd/systemd-host';
import type { WindowsConsoleHostOptions } from './windows-console';
import type { WindowsServiceHostOptions } from './windows-service';

/** Options for the host Service picks, by host; Service passes them through unread. */
export interface HostOptions {
  /** For the Windows service host (the SCM started the process). */
  windowsService?: WindowsServiceHostOptions;
  /** For the Windows console host (a terminal, a scheduled task). */
  windowsConsole?: WindowsConsoleHostOptions;
  /** For the systemd host (NOTIFY_SOCKET is set). Its signals are `new Service({ stopSignals, reloadSignals })`, as the posix host's are. */
  systemd?: Omit<SystemdHostOptions, 'exitProcess' | 'stopSignals' | 'reloadSignals'>;
}
