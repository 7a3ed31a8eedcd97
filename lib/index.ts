/**
 * servicehost: run a Node.js program as a real operating-system service.
 *
 * Start with {@link Service}. Windows-specific parts are also available from
 * `servicehost/windows`.
 */
export { ServicehostError, isSystemError, type ServicehostErrorCode, type SystemError } from './errors';
export { nativeBuildInfo, type NativeBuildInfo } from './native/load';
export {
  Service,
  type ServiceEvents,
  type ServiceHealth,
  type ServiceOptions,
  type ServiceState,
  type StartContext,
  type StopEvent,
  type StopOutcome,
} from './lifecycle/service';
export { exitCodes, type ExitCodeName } from './lifecycle/exit-codes';
export {
  Teardown,
  TEARDOWN_PHASES,
  type TeardownContext,
  type TeardownFunction,
  type TeardownPhase,
  type TeardownStep,
  type TeardownStepOptions,
  type TeardownStepResult,
} from './lifecycle/teardown';
export type { Closeable } from './lifecycle/resources';
export { drainHttpServer, trackHttpServer, type HttpServer } from './lifecycle/http';
export { createHealthHandler, measureLoopDelay, type HealthHandler, type HealthHandlerOptions } from './lifecycle/health';
export { journalLogger, stderrLogger, type Logger } from './lifecycle/log';
export { listenFds, type ListenFd } from './hosts/systemd/socket-activation';
export type { ExitInfo, Host, HostEvent, HostEventType, HostKind, HostStatus, StopReason } from './hosts/host';
export { detectHost, isSystemdService, type DetectHostOptions } from './hosts/detect';
export { PosixHost, type PosixHostOptions } from './hosts/posix';
export { SystemdHost, type SystemdHostOptions } from './hosts/systemd/systemd-host';
export { WindowsServiceHost, type WindowsServiceHostOptions } from './hosts/windows-service';
export { WindowsConsoleHost, type WindowsConsoleHostOptions } from './hosts/windows-console';
export { isWindowsService } from './windows/scm';
