/**
 * `servicehost/windows`: Windows-specific parts for direct use.
 *
 * - {@link WindowsServiceHost}: runs the program as an SCM service, with typed events.
 * - {@link WindowsConsoleHost}: the same stop lifecycle in a console (Ctrl-C, close, ...).
 * - {@link isWindowsService}: instant detection.
 * - {@link startServiceDispatcher}, {@link setServiceStatus}: the raw SCM contract.
 * - {@link EventLogWriter}: the Windows Event Log.
 */
import { WindowsConsoleHost, type WindowsConsoleHostOptions } from './hosts/windows-console';
import { WindowsServiceHost, type WindowsServiceHostOptions } from './hosts/windows-service';
import { isWindowsService } from './windows/scm';

export * from './windows/scm';
export { WindowsServiceHost, type WindowsServiceHostOptions, type WindowsServiceHostEvents } from './hosts/windows-service';
export {
  WindowsConsoleHost,
  raiseConsoleControlForDiagnostics,
  simulateConsoleEventForDiagnostics,
  type WindowsConsoleHostOptions,
} from './hosts/windows-console';
export { EventLogWriter } from './windows/event-log';
export { quoteWindowsArgument, windowsCommandLine } from './windows/command-line';

/** The host that fits this process: the SCM's when it started us, else the console's. */
export function detectWindowsHost(
  options: { service?: WindowsServiceHostOptions; console?: WindowsConsoleHostOptions } = {},
): WindowsServiceHost | WindowsConsoleHost {
  return isWindowsService() ? new WindowsServiceHost(options.service) : new WindowsConsoleHost(options.console);
}
