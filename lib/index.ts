/// <reference types="node" preserve="true" />
/**
 * servicehost: run a Node.js program as a real operating-system service.
 *
 * Start with {@link Service}. The raw Windows SCM contract is
 * `servicehost/windows`; installing and controlling services is
 * `servicehost/manage`.
 */
export { ServicehostError, isSystemError, SERVICEHOST_ERROR_CODES, type ServicehostErrorCode, type SystemError, type SystemErrorCode } from './errors';
export { nativeBuildInfo, useNativeAddon, type NativeBuildInfo } from './native/load';
export {
  Service,
  SERVICE_STATES,
  type ServiceEventName,
  type ServiceEvents,
  type ServiceHealth,
  type ServiceListener,
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
export { drainHttpServer, trackHttpServer, type HttpServer, type DrainOptions } from './lifecycle/http';
export { createHealthHandler, measureLoopDelay, type HealthHandler, type HealthHandlerOptions } from './lifecycle/health';
export { stderrLogger, LOG_LEVELS, type Logger, type LogLevel } from './lifecycle/log';
export { journalLogger } from './hosts/systemd/journal-logger';
export { listenFds, type ListenFd } from './hosts/systemd/socket-activation';
export { storeFds } from './hosts/systemd/fd-store';
export type { HostOptions } from './hosts/detect';
export type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus, StopReason } from './hosts/host';
export type { SystemdHostOptions } from './hosts/systemd/systemd-host';
export type { WindowsServiceHostOptions } from './hosts/windows-service';
export type { WindowsConsoleHostOptions } from './hosts/windows-console';
