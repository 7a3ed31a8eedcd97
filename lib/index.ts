/**
 * servicehost: run a Node.js program as a real operating-system service.
 *
 * Windows-specific parts are also available from `servicehost/windows`.
 */
export { ServicehostError, isSystemError, type ServicehostErrorCode, type SystemError } from './errors';
export { nativeBuildInfo, type NativeBuildInfo } from './native';
export type { ExitInfo, Host, HostEvent, HostEventType, HostKind, HostStatus, StopReason } from './hosts/host';
export { WindowsServiceHost, type WindowsServiceHostOptions } from './hosts/windows-service';
export { WindowsConsoleHost, type WindowsConsoleHostOptions } from './hosts/windows-console';
export { isWindowsService } from './windows-scm';
