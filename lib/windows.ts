/// <reference types="node" preserve="true" />
/**
 * `servicehost/windows`: the raw Windows SCM contract, for callers who drive
 * SERVICE_STATUS themselves, and the Windows-only parts.
 *
 * - {@link startServiceDispatcher}, {@link setServiceStatus}, {@link setControlsAccepted}: the SCM contract.
 * - {@link isWindowsService}: instant detection.
 * - {@link EventLogWriter}: the Windows Event Log.
 * - {@link windowsCommandLine}, {@link quoteWindowsArgument}: command lines (service image paths).
 * - The SCM's numbers and names: {@link SCM_STATES}, {@link ACCEPT_FLAGS}, {@link CONTROLS}.
 *
 * Words, one meaning each: an *SCM state* ({@link ScmStateName}: 'start-pending')
 * is SERVICE_STATUS.dwCurrentState; {@link ScmStatus} is the whole SERVICE_STATUS
 * record, {@link ScmStatusUpdate} a report of it. The lifecycle's own states
 * ('starting') are `ServiceState` and `SERVICE_STATES` in `servicehost`.
 *
 * For the lifecycle (stop, pause, teardown, exit codes) use `Service` from `servicehost`.
 *
 * @packageDocumentation
 * @module servicehost/windows
 */
// Named exports only: what is listed here is the public surface (etc/servicehost-windows.api.md);
// the parse, the status conversion and the accept mask stay internal.
export {
  startServiceDispatcher,
  setServiceStatus,
  setControlsAccepted,
  setControlDelivery,
  getDispatcherStats,
  isWindowsService,
  simulateControlForDiagnostics,
  type ControlDelivery,
  type ControlEvent,
  type ControlFields,
  type DispatcherEvent,
  type DispatcherStats,
  type DispatcherExitEvent,
  type ServiceMainEvent,
  type ScmStatus,
  type ScmStatusUpdate,
  type SimulatedControl,
  type StartServiceDispatcherOptions,
} from './windows/scm';
export {
  SCM_STATES,
  ACCEPT_FLAGS,
  CONTROLS,
  controlName,
  type AcceptedControl,
  type ControlName,
  type ScmStateName,
} from './windows/codes';
export { EventLogWriter } from './windows/event-log';
export { quoteWindowsArgument, windowsCommandLine, parseWindowsCommandLine } from './windows/command-line';
export { raiseConsoleControlForDiagnostics, simulateConsoleEventForDiagnostics, type ConsoleEventName } from './windows/console-diagnostics';
