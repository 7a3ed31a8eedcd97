// The raw Windows Service Control Manager contract, typed: the dispatcher's
// events and SERVICE_STATUS. Exported as `servicehost/windows`. A control is
// parsed here once, from the native record into its typed event, and that
// same object is what Service receives from the Windows host.
import { ServicehostError } from '../errors';
import { windowsNative } from '../native/load';
import type { NativeDispatcherRecord, NativeServiceStatus } from '../native/windows-binding';
import { expectFunction, expectInteger, expectObject, expectOneOf, optionalBoolean, optionalInteger } from '../validate';
import {
  ACCEPTED_CONTROL_NAMES,
  CONTROL_NAMES,
  CUSTOM_CONTROL_MAX,
  CUSTOM_CONTROL_MIN,
  MAX_DWORD,
  SCM_STATE_NAMES,
  acceptFlag,
  acceptedControlNames,
  controlCode,
  controlOfCode,
  scmStateCode,
  scmStateOfCode,
  type AcceptedControl,
  type ControlName,
  type ScmStateName,
} from './codes';
import { connectDispatcher, currentDispatcher, type DispatcherConnection } from './dispatcher';

export type { AcceptedControl, ControlName, ScmStateName } from './codes';

/** The SCM started the service: ServiceMain ran and START_PENDING was reported. */
export interface ServiceMainEvent {
  /** The event's kind. */
  type: 'service-main';
  /** The name the SCM knows the service by (ServiceMain's argv[0]). */
  serviceName: string;
  /** Arguments given to StartService (`sc start name a b`), after the name. */
  args: string[];
  /** Set when the control handler could not be registered. */
  error?: Error;
  /** When the native side saw it: ms on the clock of `Number(process.hrtime.bigint()) / 1e6`. */
  receivedAt: number;
}

/** What every {@link ControlEvent} carries, whatever its type. */
export interface ControlFields {
  /** The SCM's name of the control ('stop', 'paramchange', 'custom', ...). */
  control: ControlName;
  /** SERVICE_CONTROL_*, or 128 to 255 for the program's own. */
  code: number;
  /** dwEventType: the PBT_* of a power event, the WTS_* reason of a session change, the DBT_* of a device event. */
  eventType: number;
  /**
   * How many controls this event stands for: 1 unless more than 1024 waited.
   * Each control is its own event; only when 1024 custom or interrogate
   * controls already wait for a blocked event loop does another fold into an
   * identical one still waiting (and, with none waiting, it is dropped: see getDispatcherStats()).
   */
  repeats: number;
  /**
   * When the native handler saw it: ms on the clock of `Number(process.hrtime.bigint()) / 1e6`
   * (so `Number(process.hrtime.bigint()) / 1e6 - receivedAt` is how long it waited for the loop).
   */
  receivedAt: number;
}

/**
 * A control the SCM sent, as the lifecycle event it is. The dispatcher has
 * already reported what a control implies: STOP_PENDING for the three stops,
 * PAUSE_PENDING for a pause of a running service, CONTINUE_PENDING for a
 * continue of a paused one.
 */
export type ControlEvent =
  | (ControlFields & {
      type: 'stop';
      /** Which stop: SERVICE_CONTROL_STOP, SHUTDOWN or PRESHUTDOWN. */
      reason: 'scm-stop' | 'shutdown' | 'preshutdown';
    })
  | (ControlFields & { type: 'pause' | 'continue' | 'reload' })
  | (ControlFields & {
      type: 'power';
      /** PBT_POWERSETTINGCHANGE: the setting's GUID, `{8-4-4-4-12}`. */
      powerSetting?: string;
      /** PBT_POWERSETTINGCHANGE: the setting's value. */
      data?: Buffer;
    })
  | (ControlFields & {
      type: 'session';
      /** The session it is about (WTSSESSION_NOTIFICATION.dwSessionId). */
      sessionId: number;
    })
  | (ControlFields & { type: 'custom' })
  | (ControlFields & {
      type: 'control';
      /** timechange: the new system time, ms since 1970 (UTC). */
      newTime?: number;
      /** timechange: the system time before, ms since 1970 (UTC). */
      oldTime?: number;
      /** deviceevent, hardwareprofilechange: the device type (dbch_devicetype). */
      deviceType?: number;
    });

/** The dispatcher returned: after STOPPED, or at once when the process is not a service. */
export interface DispatcherExitEvent {
  /** The event's kind. */
  type: 'dispatcher-exit';
  /** ERROR_FAILED_SERVICE_CONTROLLER_CONNECT when the SCM did not start this process. */
  error?: Error;
  /** When the native side saw it: ms on the clock of `Number(process.hrtime.bigint()) / 1e6`. */
  receivedAt: number;
}

/** What `onEvent` receives: ServiceMain ran, a control, or the dispatcher returned. */
export type DispatcherEvent = ServiceMainEvent | ControlEvent | DispatcherExitEvent;

/** The one parse: a native record becomes its typed event. */
export function parseDispatcherRecord(record: NativeDispatcherRecord): DispatcherEvent {
  switch (record.type) {
    case 'service-main': {
      const [serviceName = '', ...args] = record.args;
      return { type: 'service-main', serviceName, args, receivedAt: record.receivedAt, ...(record.error ? { error: record.error } : {}) };
    }
    case 'dispatcher-exit':
      return { type: 'dispatcher-exit', receivedAt: record.receivedAt, ...(record.error ? { error: record.error } : {}) };
    case 'control': {
      const { type: _record, ...fields } = record;
      if (record.code >= CUSTOM_CONTROL_MIN && record.code <= CUSTOM_CONTROL_MAX) return { type: 'custom', control: 'custom', ...fields };
      const row = controlOfCode(record.code);
      if (row === undefined) return { type: 'control', control: 'unknown', ...fields };
      switch (row.event) {
        case 'stop':
          return { type: 'stop', reason: row.reason, control: row.name, ...fields };
        case 'session':
          return { type: 'session', control: row.name, ...fields, sessionId: fields.sessionId ?? 0 };
        default:
          return { type: row.event, control: row.name, ...fields } as ControlEvent;
      }
    }
  }
}

function requireWindows(what: string): void {
  if (process.platform !== 'win32') {
    throw new ServicehostError(
      'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM',
      `${what} is only available on Windows: it talks to the Windows Service Control Manager, which ${process.platform} does not have.`,
    );
  }
}

function connected(what: string): DispatcherConnection {
  requireWindows(what);
  const connection = currentDispatcher();
  if (connection === undefined) {
    throw new ServicehostError('ERR_SERVICEHOST_NOT_CONNECTED', `${what}: the SCM dispatcher is not connected; call startServiceDispatcher() first.`);
  }
  return connection;
}

/** Controls → SERVICE_ACCEPT_* mask; a typed error names `where` for bad input. */
export function acceptMask(where: string, controls: unknown): number {
  if (!Array.isArray(controls)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of control names`);
  }
  let mask = 0;
  for (const name of controls as unknown[]) mask |= acceptFlag(expectOneOf(`${where}[]`, name, ACCEPTED_CONTROL_NAMES));
  return mask;
}

/** Which optional controls reach `onEvent`. */
export interface ControlDelivery {
  /** Codes 128 to 255 reach onEvent; otherwise the handler refuses them (ERROR_CALL_NOT_IMPLEMENTED). */
  custom?: boolean;
  /** INTERROGATE reaches onEvent too; it is always answered natively, from the last status. */
  interrogate?: boolean;
}

/** Options of {@link startServiceDispatcher}. */
export interface StartServiceDispatcherOptions {
  /** Called on the main thread for each event, in the order the SCM produced them. A throw is an uncaught exception. */
  onEvent: (event: DispatcherEvent) => void;
  /** The wait hint of the first START_PENDING, reported before JavaScript runs. Default 30000. */
  startWaitHintMs?: number;
  /** The wait hint of the STOP_PENDING reported natively when a stop arrives. Default 30000. */
  stopWaitHintMs?: number;
  /** The wait hint of the PAUSE_PENDING and CONTINUE_PENDING reported natively. Default 30000. */
  pendingWaitHintMs?: number;
  /** Which optional controls reach onEvent. Default: custom codes yes, interrogate no. */
  deliver?: ControlDelivery;
}

function checkDelivery(where: string, value: unknown): { deliverCustom?: boolean; deliverInterrogate?: boolean } {
  const delivery = expectObject(where, value);
  const custom = optionalBoolean(`${where}.custom`, delivery.custom);
  const interrogate = optionalBoolean(`${where}.interrogate`, delivery.interrogate);
  return { ...(custom === undefined ? {} : { deliverCustom: custom }), ...(interrogate === undefined ? {} : { deliverInterrogate: interrogate }) };
}

/**
 * Connects to the SCM on a native thread of its own (or takes over the
 * connection `servicehost/register` made) and hands every event to
 * `onEvent`. From here the process is held open, as the SCM expects, and
 * after STOPPED until 'dispatcher-exit' has reached `onEvent` (where an exit
 * code set is the one the process ends with), at most 10 s after STOPPED: the
 * addon holds it (cpp/win/service_dispatcher.h). Once per process: a second
 * consumer, or a worker thread, gets ERR_SERVICEHOST_DISPATCHER_STARTED.
 */
export function startServiceDispatcher(options: StartServiceDispatcherOptions): void {
  const checked = expectObject('startServiceDispatcher(options)', options);
  const onEvent = expectFunction('startServiceDispatcher: options.onEvent', checked.onEvent) as (event: DispatcherEvent) => void;
  const startWaitHintMs = optionalInteger('startServiceDispatcher: options.startWaitHintMs', checked.startWaitHintMs, 0, MAX_DWORD);
  const stopWaitHint = optionalInteger('startServiceDispatcher: options.stopWaitHintMs', checked.stopWaitHintMs, 0, MAX_DWORD);
  const pendingWaitHint = optionalInteger('startServiceDispatcher: options.pendingWaitHintMs', checked.pendingWaitHintMs, 0, MAX_DWORD);
  const delivery = checkDelivery('startServiceDispatcher: options.deliver', checked.deliver ?? {});
  requireWindows('startServiceDispatcher');
  const connection = connectDispatcher(startWaitHintMs === undefined ? {} : { startWaitHintMs });
  connection.native.setDispatcherPolicy({
    deliverCustom: true,
    ...(stopWaitHint === undefined ? {} : { stopWaitHint }),
    ...(pendingWaitHint === undefined ? {} : { pendingWaitHint }),
    ...delivery,
  });
  connection.consume((record) => onEvent(parseDispatcherRecord(record)));
}

/** Changes which optional controls reach the consumer; what is left out stays. */
export function setControlDelivery(delivery: ControlDelivery): void {
  const policy = checkDelivery('setControlDelivery(delivery)', delivery);
  connected('setControlDelivery').native.setDispatcherPolicy(policy);
}

/** A SERVICE_STATUS report for {@link setServiceStatus}. */
export interface ScmStatusUpdate {
  /** The state to report. */
  state: ScmStateName;
  /** Controls to accept from now on; left out, the current ones stay. None are accepted while start-pending, stop-pending or stopped. */
  controlsAccepted?: readonly AcceptedControl[];
  /** Milliseconds until the next report, for pending states. */
  waitHintMs?: number;
  /** With state 'stopped': a Win32 error code. */
  win32ExitCode?: number;
  /** With state 'stopped': the program's own code; reported as ERROR_SERVICE_SPECIFIC_ERROR (1066). */
  serviceSpecificExitCode?: number;
}

/** SERVICE_STATUS as the SCM now has it. */
export interface ScmStatus {
  /** The current state. */
  state: ScmStateName;
  /** The controls accepted now. */
  controlsAccepted: AcceptedControl[];
  /** Advances by one each time the same pending state is reported again. */
  checkPoint: number;
  /** Milliseconds until the next report, for pending states. */
  waitHintMs: number;
  /** A Win32 error code; 1066 when the exit code is the program's own. */
  win32ExitCode: number;
  /** The program's own exit code, with win32ExitCode 1066. */
  serviceSpecificExitCode: number;
}

export function toScmStatus(status: NativeServiceStatus): ScmStatus {
  return {
    state: scmStateOfCode(status.state)?.name ?? 'stopped',
    controlsAccepted: acceptedControlNames(status.controlsAccepted),
    checkPoint: status.checkPoint,
    waitHintMs: status.waitHint,
    win32ExitCode: status.win32ExitCode,
    serviceSpecificExitCode: status.serviceSpecificExitCode,
  };
}

/**
 * Reports SERVICE_STATUS to the SCM and returns what the SCM now has. The
 * checkpoint is kept natively. A report that a stop overtook (the stop is
 * still on its way to onEvent) changes nothing and returns STOP_PENDING.
 * Throws ERR_SERVICEHOST_NOT_CONNECTED before the 'service-main' event,
 * ERR_SERVICEHOST_INVALID_TRANSITION for a change the SCM forbids, and
 * ERR_SERVICEHOST_ALREADY_STOPPED after 'stopped'.
 */
export function setServiceStatus(update: ScmStatusUpdate): ScmStatus {
  const checked = expectObject('setServiceStatus(update)', update);
  const state = expectOneOf('setServiceStatus: update.state', checked.state, SCM_STATE_NAMES);
  const controlsAccepted = checked.controlsAccepted === undefined ? undefined : acceptMask('setServiceStatus: update.controlsAccepted', checked.controlsAccepted);
  const waitHint = optionalInteger('setServiceStatus: update.waitHintMs', checked.waitHintMs, 0, MAX_DWORD);
  const win32ExitCode = optionalInteger('setServiceStatus: update.win32ExitCode', checked.win32ExitCode, 0, MAX_DWORD);
  const serviceSpecificExitCode = optionalInteger('setServiceStatus: update.serviceSpecificExitCode', checked.serviceSpecificExitCode, 0, MAX_DWORD);
  const reported = connected('setServiceStatus').native.setServiceStatus({
    state: scmStateCode(state),
    ...(controlsAccepted === undefined ? {} : { controlsAccepted }),
    ...(waitHint === undefined ? {} : { waitHint }),
    ...(win32ExitCode === undefined ? {} : { win32ExitCode }),
    ...(serviceSpecificExitCode === undefined ? {} : { serviceSpecificExitCode }),
  });
  return toScmStatus(reported);
}

/**
 * Changes the controls the service accepts, keeping its state and checkpoint.
 * While start-pending or stop-pending they are kept for the next state (the SCM forbids accepting any then).
 */
export function setControlsAccepted(controls: readonly AcceptedControl[]): ScmStatus {
  const controlsAccepted = acceptMask('setControlsAccepted(controls)', controls);
  return toScmStatus(connected('setControlsAccepted').native.setControlsAccepted({ controlsAccepted }));
}

/** How the dispatcher's queue has fared ({@link getDispatcherStats}). */
export interface DispatcherStats {
  /** Events handed to JavaScript. */
  delivered: number;
  /** Repeats folded into an identical waiting event because 1024 already waited. */
  merged: number;
  /** Controls dropped because 1024 waited and none identical was among them. */
  dropped: number;
}

/**
 * How the dispatcher's queue has fared: events `delivered`; and past its bound
 * (1024 custom or interrogate controls waiting for the loop), repeats `merged`
 * into an identical waiting event and the others `dropped`. Each thing the
 * dispatcher queued (every accepted control, ServiceMain) is counted once, in one of the three.
 */
export function getDispatcherStats(): DispatcherStats {
  return connected('getDispatcherStats').native.getDispatcherStats();
}

let windowsServiceAnswer: boolean | undefined;

/**
 * True when the Service Control Manager started this process: its parent is
 * services.exe. Instant (one process snapshot), never waits on the SCM, and
 * false on every other platform. Checked once per process.
 */
export function isWindowsService(): boolean {
  if (process.platform !== 'win32') return false;
  windowsServiceAnswer ??= windowsNative().getParentProcess().parentName.toLowerCase() === 'services.exe';
  return windowsServiceAnswer;
}

/** A control for {@link simulateControlForDiagnostics}, with the payload the SCM would pass. */
export interface SimulatedControl {
  /** The control by name, or its code (0 to 255). */
  control: Exclude<ControlName, 'custom' | 'unknown'> | number;
  /** dwEventType: the PBT_*, WTS_* or DBT_* code. Default 0. */
  eventType?: number;
  /** Power setting change: the GUID as 16 bytes, in memory order. */
  powerSetting?: Buffer;
  /** Power setting change: the setting's value. */
  data?: Buffer;
  /** Session change: the session's id. */
  sessionId?: number;
  /** Time change: the new system time, ms since 1970 (UTC). */
  newTime?: number;
  /** Time change: the system time before, ms since 1970 (UTC). */
  oldTime?: number;
  /** Device event: the device type (dbch_devicetype). */
  deviceType?: number;
}

/**
 * Diagnostics: runs the real native control handler (HandlerEx) with a
 * payload laid out as the SCM would, for controls a test cannot make the SCM
 * send (shutdown, preshutdown, power, session, time change, device events).
 * Returns HandlerEx's result: 0, or 120 (ERROR_CALL_NOT_IMPLEMENTED) when not accepted.
 */
export function simulateControlForDiagnostics(simulated: SimulatedControl): number {
  const checked = expectObject('simulateControlForDiagnostics(simulated)', simulated);
  const control =
    typeof checked.control === 'number'
      ? expectInteger('simulateControlForDiagnostics: simulated.control', checked.control, 0, 255)
      : controlCode(expectOneOf('simulateControlForDiagnostics: simulated.control', checked.control, CONTROL_NAMES));
  const eventType = optionalInteger('simulateControlForDiagnostics: simulated.eventType', checked.eventType, 0, MAX_DWORD) ?? 0;
  const { control: _control, eventType: _eventType, ...payload } = simulated;
  return connected('simulateControlForDiagnostics').native.debugInvokeControlHandler({ control, eventType, payload });
}
