// The raw Windows Service Control Manager contract, typed: control codes,
// states, the dispatcher and SERVICE_STATUS. Exported as `servicehost/windows`.
import { ServicehostError } from '../errors';
import { loadNative, type NativeControlPayload, type NativeDispatcherEvent, type NativeServiceStatus } from '../native/load';
import { expectFunction, expectInteger, expectObject, expectOneOf, optionalInteger } from '../validate';

/** SERVICE_STATUS.dwCurrentState, by name. */
export const serviceStates = {
  stopped: 1,
  'start-pending': 2,
  'stop-pending': 3,
  running: 4,
  'continue-pending': 5,
  'pause-pending': 6,
  paused: 7,
} as const;
export type ServiceStateName = keyof typeof serviceStates;

/** SERVICE_ACCEPT_* flags, by the name of the control they let in. */
export const acceptFlags = {
  stop: 0x1,
  'pause-continue': 0x2,
  shutdown: 0x4,
  paramchange: 0x8,
  netbindchange: 0x10,
  hardwareprofilechange: 0x20,
  powerevent: 0x40,
  sessionchange: 0x80,
  preshutdown: 0x100,
  timechange: 0x200,
  triggerevent: 0x400,
  usermodereboot: 0x800,
} as const;
export type AcceptedControl = keyof typeof acceptFlags;

/** Control names → SERVICE_ACCEPT_* mask; a typed error names `where` for bad input. */
export function acceptMask(where: string, controls: unknown): number {
  if (!Array.isArray(controls)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of control names`);
  }
  let mask = 0;
  for (const name of controls as unknown[]) {
    mask |= acceptFlags[expectOneOf(`${where}[]`, name, Object.keys(acceptFlags) as AcceptedControl[])];
  }
  return mask;
}

/** SERVICE_ACCEPT_* mask → control names, in the table's order. */
export function acceptedControlNames(mask: number): AcceptedControl[] {
  return (Object.keys(acceptFlags) as AcceptedControl[]).filter((name) => (mask & acceptFlags[name]) !== 0);
}

/** SERVICE_CONTROL_* codes, by name. Codes 128 to 255 are the program's own ('custom'). */
export const controlCodes = {
  stop: 1,
  pause: 2,
  continue: 3,
  interrogate: 4,
  shutdown: 5,
  paramchange: 6,
  netbindadd: 7,
  netbindremove: 8,
  netbindenable: 9,
  netbinddisable: 10,
  deviceevent: 11,
  hardwareprofilechange: 12,
  powerevent: 13,
  sessionchange: 14,
  preshutdown: 15,
  timechange: 16,
  triggerevent: 32,
  usermodereboot: 64,
} as const;
export type ControlName = keyof typeof controlCodes | 'custom' | 'unknown';

const controlNames = new Map<number, ControlName>(
  Object.entries(controlCodes).map(([name, code]) => [code, name as ControlName]),
);

export function controlName(code: number): ControlName {
  if (code >= 128 && code <= 255) return 'custom';
  return controlNames.get(code) ?? 'unknown';
}

/** The SCM started the service: ServiceMain ran and START_PENDING was reported. */
export interface ServiceMainEvent {
  type: 'service-main';
  /** The name the SCM knows the service by (ServiceMain's argv[0]). */
  serviceName: string;
  /** Arguments given to StartService (`sc start name a b`), after the name. */
  args: string[];
  /** Set when the control handler could not be registered. */
  error?: Error;
  /** When the native side saw it, on the clock of `process.hrtime.bigint()`. */
  receivedAt: bigint;
}

/** A control code the SCM sent, with what its lpEventData carried (see NativeControlPayload). */
export interface ControlEvent extends NativeControlPayload {
  type: 'control';
  control: ControlName;
  code: number;
  /** dwEventType: the PBT_* of a power event, the WTS_* reason of a session change, the DBT_* of a device event. */
  eventType: number;
  /** When the native handler saw it, on the clock of `process.hrtime.bigint()`. */
  receivedAt: bigint;
}

/** The dispatcher returned: after STOPPED, or at once when the process is not a service. */
export interface DispatcherExitEvent {
  type: 'dispatcher-exit';
  /** ERROR_FAILED_SERVICE_CONTROLLER_CONNECT when the SCM did not start this process. */
  error?: Error;
  receivedAt: bigint;
}

export type DispatcherEvent = ServiceMainEvent | ControlEvent | DispatcherExitEvent;

export interface StartServiceDispatcherOptions {
  /** Called on the main thread for each event, in the order the SCM produced them. */
  onEvent: (event: DispatcherEvent) => void;
  /** The wait hint of the first START_PENDING, reported before JavaScript runs. Default 30000. */
  startWaitHintMs?: number;
}

function toPublicEvent(event: NativeDispatcherEvent): DispatcherEvent {
  switch (event.type) {
    case 'service-main': {
      const [serviceName = '', ...args] = event.args;
      return { type: 'service-main', serviceName, args, receivedAt: event.receivedAt, ...(event.error ? { error: event.error } : {}) };
    }
    case 'control': {
      const { type: _type, control, ...rest } = event;
      return { type: 'control', control: controlName(control), code: control, ...rest };
    }
    case 'dispatcher-exit':
      return { type: 'dispatcher-exit', receivedAt: event.receivedAt, ...(event.error ? { error: event.error } : {}) };
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

const MAX_DWORD = 0xffffffff;

/**
 * Starts the SCM control dispatcher on a native thread of its own. Once per
 * process: a second call, from any thread or copy of the module, throws
 * ERR_SERVICEHOST_DISPATCHER_STARTED.
 */
export function startServiceDispatcher(options: StartServiceDispatcherOptions): void {
  const checked = expectObject('startServiceDispatcher(options)', options);
  const onEvent = expectFunction('startServiceDispatcher: options.onEvent', checked.onEvent) as (event: DispatcherEvent) => void;
  const startWaitHint = optionalInteger('startServiceDispatcher: options.startWaitHintMs', checked.startWaitHintMs, 0, MAX_DWORD);
  requireWindows('startServiceDispatcher');
  loadNative().startDispatcher({
    onEvent: (event) => onEvent(toPublicEvent(event)),
    ...(startWaitHint === undefined ? {} : { startWaitHint }),
  });
}

export interface ServiceStatusUpdate {
  state: ServiceStateName;
  /** Controls to accept. Ignored (none) while start-pending and when stopped. */
  controlsAccepted?: readonly AcceptedControl[];
  /** Milliseconds until the next report, for pending states. */
  waitHintMs?: number;
  /** With state 'stopped': a Win32 error code. */
  win32ExitCode?: number;
  /** With state 'stopped': the program's own code; reported as ERROR_SERVICE_SPECIFIC_ERROR (1066). */
  serviceSpecificExitCode?: number;
}

export interface ServiceStatus {
  state: ServiceStateName;
  controlsAccepted: AcceptedControl[];
  /** Advances by one each time the same pending state is reported again. */
  checkPoint: number;
  waitHintMs: number;
  win32ExitCode: number;
  serviceSpecificExitCode: number;
}

const stateNames = new Map<number, ServiceStateName>(
  Object.entries(serviceStates).map(([name, code]) => [code, name as ServiceStateName]),
);

function toPublicStatus(status: NativeServiceStatus): ServiceStatus {
  return {
    state: stateNames.get(status.state) ?? 'stopped',
    controlsAccepted: acceptedControlNames(status.controlsAccepted),
    checkPoint: status.checkPoint,
    waitHintMs: status.waitHint,
    win32ExitCode: status.win32ExitCode,
    serviceSpecificExitCode: status.serviceSpecificExitCode,
  };
}

/**
 * Reports SERVICE_STATUS to the SCM and returns what was reported. The
 * checkpoint is kept natively. Throws ERR_SERVICEHOST_NOT_CONNECTED before the
 * 'service-main' event and ERR_SERVICEHOST_ALREADY_STOPPED after 'stopped'.
 */
export function setServiceStatus(update: ServiceStatusUpdate): ServiceStatus {
  const checked = expectObject('setServiceStatus(update)', update);
  const state = expectOneOf('setServiceStatus: update.state', checked.state, Object.keys(serviceStates) as ServiceStateName[]);
  const controlsAccepted = checked.controlsAccepted === undefined ? 0 : acceptMask('setServiceStatus: update.controlsAccepted', checked.controlsAccepted);
  const waitHint = optionalInteger('setServiceStatus: update.waitHintMs', checked.waitHintMs, 0, MAX_DWORD);
  const win32ExitCode = optionalInteger('setServiceStatus: update.win32ExitCode', checked.win32ExitCode, 0, MAX_DWORD);
  const serviceSpecificExitCode = optionalInteger('setServiceStatus: update.serviceSpecificExitCode', checked.serviceSpecificExitCode, 0, MAX_DWORD);
  requireWindows('setServiceStatus');
  const reported = loadNative().setServiceStatus({
    state: serviceStates[state],
    controlsAccepted,
    ...(waitHint === undefined ? {} : { waitHint }),
    ...(win32ExitCode === undefined ? {} : { win32ExitCode }),
    ...(serviceSpecificExitCode === undefined ? {} : { serviceSpecificExitCode }),
  });
  return toPublicStatus(reported);
}

/**
 * Changes the controls the service accepts, keeping its state and checkpoint.
 * Ignored while start-pending (the SCM forbids accepting any then).
 */
export function setControlsAccepted(controls: readonly AcceptedControl[]): ServiceStatus {
  const controlsAccepted = acceptMask('setControlsAccepted(controls)', controls);
  requireWindows('setControlsAccepted');
  return toPublicStatus(loadNative().setControlsAccepted({ controlsAccepted }));
}

let windowsServiceAnswer: boolean | undefined;

/**
 * True when the Service Control Manager started this process: its parent is
 * services.exe. Instant (one process snapshot), never waits on the SCM, and
 * false on every other platform. Checked once per process.
 */
export function isWindowsService(): boolean {
  if (process.platform !== 'win32') return false;
  windowsServiceAnswer ??= loadNative().getParentProcess().parentName.toLowerCase() === 'services.exe';
  return windowsServiceAnswer;
}

export interface SimulatedControl {
  control: ControlName | number;
  eventType?: number;
  /** Power setting change: the GUID as 16 bytes, in memory order. */
  powerSetting?: Buffer;
  data?: Buffer;
  sessionId?: number;
  newTime?: number;
  oldTime?: number;
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
      : controlCodes[expectOneOf('simulateControlForDiagnostics: simulated.control', checked.control, Object.keys(controlCodes) as (keyof typeof controlCodes)[])];
  const eventType = optionalInteger('simulateControlForDiagnostics: simulated.eventType', checked.eventType, 0, MAX_DWORD) ?? 0;
  requireWindows('simulateControlForDiagnostics');
  const { control: _control, eventType: _eventType, ...payload } = simulated;
  return loadNative().debugInvokeControlHandler({ control, eventType, payload });
}
