/// <reference types="node" preserve="true" />
/**
 * `servicehost/manage`: install, control, query and remove services, with one
 * API over the Windows SCM, systemd and launchd.
 *
 * ```js
 * import { install, query, stop, uninstall } from 'servicehost/manage';
 * await install({ name: 'api', script: 'server.js', args: ['--port', '8080'] });
 * ```
 *
 * Every function checks its arguments first and throws a typed error with a
 * `code` (ERR_SERVICEHOST_ACCESS_DENIED, ERR_SERVICEHOST_SERVICE_EXISTS, ...);
 * see {@link ServiceManagerError}.
 *
 * @packageDocumentation
 * @module servicehost/manage
 */
// Named exports only: what is listed here is the public surface (etc/servicehost-manage.api.md).
export { install, configure, uninstall, start, stop, restart, query, list, logs, listHosts, queryHosts } from './manage/index';
export type { HostError, HostErrorRow, HostRow, HostsOptions } from './manage/hosts';
export type { HostOptions } from './manage/remote-host';
export type { LogsOptions, ServiceLog } from './manage/logs';
export { managerPlatform, type ScopeOptions } from './manage/manager';
export type { ElevateOptions } from './manage/elevate';
export { handleElevatedRequest } from './manage/elevate-child';
export { ServiceManagerError } from './manage/errors';
export { ServicehostError, isSystemError, SERVICEHOST_ERROR_CODES, type ServicehostErrorCode, type SystemError, type SystemErrorCode } from './errors';
export type { CommandOverrides } from './manage/commands';
export { checkServiceName } from './manage/service-name';
export {
  WINDOWS_START_TYPES,
  WINDOWS_BUILT_IN_ACCOUNTS,
  WINDOWS_RECOVERY_ACTION_TYPES,
  WINDOWS_SID_TYPES,
  SYSTEMD_RESTARTS,
  SYSTEMD_SERVICE_TYPES,
  type InstallSpec,
  type LaunchdInstallOptions,
  type SystemdInstallOptions,
  type SystemdRestart,
  type WindowsBuiltInAccount,
  type WindowsInstallOptions,
  type WindowsRecovery,
  type WindowsRecoveryActionType,
  type WindowsSidType,
  type WindowsStartType,
} from './manage/spec-types';
export type {
  InstallResult,
  LaunchdServiceDetails,
  ListFilter,
  ManagedServiceState,
  ManagerPlatform,
  ServiceInfo,
  ServiceSummary,
  StartOptions,
  StopOptions,
  SystemdServiceDetails,
  WaitOptions,
  WindowsServiceDetails,
} from './manage/types';
export type { ServiceState } from './lifecycle/service';
export { quoteSystemdWord, parseSystemdCommandLine } from './manage/systemd/unit';
export { renderPlist, parsePlist, type PlistValue } from './manage/launchd/plist';
