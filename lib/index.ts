/// <reference types="node" preserve="true" />
/**
 * servicehost: run a Node.js program as a real operating-system service.
 *
 * Start with {@link Service}. The raw Windows SCM contract is
 * `servicehost/windows`; installing and controlling services is
 * `servicehost/manage`.
 *
 * @packageDocumentation
 * @module servicehost
 */
export { ServicehostError, isSystemError, SERVICEHOST_ERROR_CODES, type ServicehostErrorCode, type SystemError, type SystemErrorCode } from './errors';
export {
  Service,
  SERVICE_STATES,
  type ControlEvent,
  type ServiceEventName,
  type ServiceEventPayload,
  type ServiceEvents,
  type ServiceHealth,
  type ServiceListener,
  type ServiceOptions,
  type ServiceState,
  type StartContext,
  type StopEvent,
  type StopOutcome,
} from './lifecycle/service';
import { detectHost } from './hosts/detect';
import { usePickedHost } from './lifecycle/service';
// The entry picks the host of a Service given none, as node-pty's index picks
// its terminal class: the lifecycle itself names no platform.
usePickedHost(detectHost);
import { useInheritedSockets } from './lifecycle/inherited-sockets';
// And service.listen()'s sockets: systemd's LISTEN_FDS and where each is bound, read on first use (Linux only).
useInheritedSockets(() =>
  process.platform === 'linux' ? (require('./hosts/systemd/socket-addresses') as typeof import('./hosts/systemd/socket-addresses')).inheritedListeningSockets() : [],
);
export { exitCodes, type ExitCodeName } from './lifecycle/exit-codes';
export {
  Teardown,
  TEARDOWN_PHASES,
  type TeardownContext,
  type TeardownFunction,
  type TeardownPhase,
  type TeardownRunHooks,
  type TeardownStep,
  type TeardownStepOptions,
  type TeardownStepResult,
} from './lifecycle/teardown';
export type { Closeable } from './lifecycle/resources';
export { NOT_READY_REASONS, type NotReadyReason } from './lifecycle/readiness';
export { KUBERNETES_DRAIN_DELAY_MS } from './lifecycle/drain-delay';
export { stderrLogger, LOG_LEVELS, type Logger, type LogLevel } from './lifecycle/log';
import type { Logger } from './lifecycle/log';
export type { HostOptions } from './hosts/host-options';
export type { ControlReason, ControlRequest, ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus, StopReason } from './hosts/host';
export type { PosixHostOptions } from './hosts/posix';
export type { SystemdHostOptions } from './hosts/systemd/systemd-host';
export type { WindowsServiceHostOptions } from './hosts/windows-service';
export type { AcceptedControl } from './windows/codes';
export type { WindowsConsoleHostOptions } from './hosts/windows-console';

// The rest is loaded on first use, so that what a service does not use costs it nothing at start-up.
/* eslint-disable @typescript-eslint/no-require-imports */
type Http = typeof import('./lifecycle/http');
type Health = typeof import('./lifecycle/health');
type Native = typeof import('./native/load');
import type { DrainOptions, HttpServer } from './lifecycle/http';
import type { HealthHandler, HealthHandlerOptions } from './lifecycle/health';
import type { ServiceHealth } from './lifecycle/service';
import type { NativeBuildInfo } from './native/load';
import type { ListenFd, ListenFdsOptions } from './hosts/systemd/socket-activation';
export type { HttpServer, DrainOptions } from './lifecycle/http';
export type { HealthCheck, HealthCheckResult, HealthHandler, HealthHandlerOptions } from './lifecycle/health';
export type { HealthServerOptions } from './lifecycle/health-server';
export type { NativeBuildInfo } from './native/load';
export type { ListenFd, ListenFdsOptions } from './hosts/systemd/socket-activation';
export type { ListenOptions, ListenTarget, Listening } from './lifecycle/listen';

/**
 * Drains an http, https or http2 server: stops accepting, lets requests in
 * flight finish, closes idle keep-alive connections after a grace, and
 * resolves once every connection is gone. `options.signal` aborting destroys
 * what remains.
 */
export function drainHttpServer(server: HttpServer, options?: DrainOptions): Promise<void> {
  return (require('./lifecycle/http') as Http).drainHttpServer(server, options);
}

/** Starts watching a server's connections for a later {@link drainHttpServer}. */
export function trackHttpServer(server: HttpServer): void {
  (require('./lifecycle/http') as Http).trackHttpServer(server);
}

/** /healthz and /readyz for the application's own server, answered from `source.health()` (a {@link Service}). */
export function createHealthHandler(source: { health(): ServiceHealth }, options?: HealthHandlerOptions): HealthHandler {
  return (require('./lifecycle/health') as Health).createHealthHandler(source, options);
}

/** Time for one turn of the event loop in milliseconds, measured on demand. */
export function measureLoopDelay(): Promise<number> {
  return (require('./lifecycle/health') as Health).measureLoopDelay();
}

/** service.log's journal form: `<N>` priorities on stderr, one entry per message. */
export function journalLogger(): Logger {
  return (require('./hosts/systemd/journal-logger') as typeof import('./hosts/systemd/journal-logger')).journalLogger();
}

/** Socket activation: the listening fds systemd passed (LISTEN_FDS), for `server.listen({ fd })`. */
export function listenFds(options?: ListenFdsOptions): ListenFd[] {
  return (require('./hosts/systemd/socket-activation') as typeof import('./hosts/systemd/socket-activation')).listenFds(options);
}

/** systemd's fd store (FDSTORE=1): keeps `fds` across a restart. */
export function storeFds(fds: readonly number[], name: string): boolean {
  return (require('./hosts/systemd/fd-store') as typeof import('./hosts/systemd/fd-store')).storeFds(fds, name);
}

/**
 * The credential `name` systemd passed the service
 * (`servicehost install --credential NAME:PATH`, LoadCredential=), read from
 * $CREDENTIALS_DIRECTORY as text. Throws ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND
 * when there is none of that name.
 */
export function credential(name: string): string {
  return (require('./hosts/systemd/credentials') as typeof import('./hosts/systemd/credentials')).credential(name);
}

/** {@link credential}, read without blocking the event loop. */
export function credentialAsync(name: string): Promise<string> {
  return (require('./hosts/systemd/credentials') as typeof import('./hosts/systemd/credentials')).credentialAsync(name);
}

/** What the loaded native binary was built as. */
export function nativeBuildInfo(): NativeBuildInfo {
  return (require('./native/load') as Native).nativeBuildInfo();
}

/** Names the native addon file to load (a bundled app); SERVICEHOST_ADDON does the same. */
export function useNativeAddon(file: string): void {
  (require('./native/load') as Native).useNativeAddon(file);
}
