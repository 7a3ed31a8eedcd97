// The SCM's numbers and names, once. The raw contract, the Windows hosts and
// the Windows manager all read these tables; every name type and lookup is
// derived from them.
import type { ServiceState } from '../lifecycle/states';

/**
 * SERVICE_STATUS.dwCurrentState: the SCM's code, its name here (an {@link ScmStateName}),
 * and the lifecycle state (`ServiceState`) it stands for. Not `SERVICE_STATES`
 * from `servicehost`, which lists the lifecycle's own states.
 */
export const SCM_STATES = [
  { name: 'stopped', code: 1, lifecycle: 'stopped' },
  { name: 'start-pending', code: 2, lifecycle: 'starting' },
  { name: 'stop-pending', code: 3, lifecycle: 'stopping' },
  { name: 'running', code: 4, lifecycle: 'running' },
  { name: 'continue-pending', code: 5, lifecycle: 'continuing' },
  { name: 'pause-pending', code: 6, lifecycle: 'pausing' },
  { name: 'paused', code: 7, lifecycle: 'paused' },
] as const satisfies readonly { name: string; code: number; lifecycle: ServiceState }[];

/** An SCM state (SERVICE_STATUS.dwCurrentState) by its name here: 'start-pending', 'running', ... */
export type ScmStateName = (typeof SCM_STATES)[number]['name'];

/**
 * A control the service can accept, by the name of its SERVICE_ACCEPT_* flag.
 * Spelled out (not derived from ACCEPT_FLAGS) so that `servicehost`'s
 * Windows host options can name it without the table; the table is checked
 * against it both ways below.
 */
export type AcceptedControl =
  | 'stop'
  | 'pause-continue'
  | 'shutdown'
  | 'paramchange'
  | 'netbindchange'
  | 'hardwareprofilechange'
  | 'powerevent'
  | 'sessionchange'
  | 'preshutdown'
  | 'timechange'
  | 'triggerevent'
  | 'usermodereboot';

/** SERVICE_ACCEPT_* flags, by the name of the control they let in. */
export const ACCEPT_FLAGS = [
  { name: 'stop', flag: 0x1 },
  { name: 'pause-continue', flag: 0x2 },
  { name: 'shutdown', flag: 0x4 },
  { name: 'paramchange', flag: 0x8 },
  { name: 'netbindchange', flag: 0x10 },
  { name: 'hardwareprofilechange', flag: 0x20 },
  { name: 'powerevent', flag: 0x40 },
  { name: 'sessionchange', flag: 0x80 },
  { name: 'preshutdown', flag: 0x100 },
  { name: 'timechange', flag: 0x200 },
  { name: 'triggerevent', flag: 0x400 },
  { name: 'usermodereboot', flag: 0x800 },
] as const satisfies readonly { name: AcceptedControl; flag: number }[];

// Every AcceptedControl has its row (`satisfies` above checks the other way).
const everyAcceptedControlHasAFlag: [Exclude<AcceptedControl, (typeof ACCEPT_FLAGS)[number]['name']>] extends [never] ? true : never = true;
void everyAcceptedControlHasAFlag;

/**
 * SERVICE_CONTROL_* codes: the name, the SERVICE_ACCEPT_* flag that lets it in
 * (none: the SCM always forwards it), and the lifecycle event it becomes.
 * Codes 128 to 255 are the program's own: 'custom'.
 */
export const CONTROLS = [
  { name: 'stop', code: 1, accept: 'stop', event: 'stop', reason: 'scm-stop' },
  { name: 'pause', code: 2, accept: 'pause-continue', event: 'pause' },
  { name: 'continue', code: 3, accept: 'pause-continue', event: 'continue' },
  { name: 'interrogate', code: 4, accept: undefined, event: 'control' },
  { name: 'shutdown', code: 5, accept: 'shutdown', event: 'stop', reason: 'shutdown' },
  { name: 'paramchange', code: 6, accept: 'paramchange', event: 'reload' },
  { name: 'netbindadd', code: 7, accept: 'netbindchange', event: 'control' },
  { name: 'netbindremove', code: 8, accept: 'netbindchange', event: 'control' },
  { name: 'netbindenable', code: 9, accept: 'netbindchange', event: 'control' },
  { name: 'netbinddisable', code: 10, accept: 'netbindchange', event: 'control' },
  { name: 'deviceevent', code: 11, accept: undefined, event: 'control' },
  { name: 'hardwareprofilechange', code: 12, accept: 'hardwareprofilechange', event: 'control' },
  { name: 'powerevent', code: 13, accept: 'powerevent', event: 'power' },
  { name: 'sessionchange', code: 14, accept: 'sessionchange', event: 'session' },
  { name: 'preshutdown', code: 15, accept: 'preshutdown', event: 'stop', reason: 'preshutdown' },
  { name: 'timechange', code: 16, accept: 'timechange', event: 'control' },
  { name: 'triggerevent', code: 32, accept: 'triggerevent', event: 'control' },
  { name: 'usermodereboot', code: 64, accept: 'usermodereboot', event: 'control' },
] as const;

type ControlRow = (typeof CONTROLS)[number];
/** A control's name: a row of {@link CONTROLS}, 'custom' for codes 128 to 255, 'unknown' for any other code. */
export type ControlName = (typeof CONTROLS)[number]['name'] | 'custom' | 'unknown';
/** The lifecycle event each control becomes. */
export type ControlEventType = ControlRow['event'] | 'custom';

export const CUSTOM_CONTROL_MIN = 128;
export const CUSTOM_CONTROL_MAX = 255;

/** The largest DWORD: the ceiling of a wait hint, an exit code, a failure action's delay. */
export const MAX_DWORD = 0xffffffff;

/** SERVICE_*_START: CreateService's dwStartType, by the manager's name for it. */
export const START_TYPES = { boot: 0, system: 1, auto: 2, manual: 3, disabled: 4 } as const;

/** SERVICE_SID_TYPE_*: SERVICE_SID_INFO.dwServiceSidType (2 is not a type of its own). */
export const SID_TYPES = { none: 0, unrestricted: 1, restricted: 3 } as const;

/** SC_ACTION_TYPE: what the SCM does when the service fails (SC_ACTION_NONE … SC_ACTION_RUN_COMMAND). */
export const RECOVERY_ACTIONS = { none: 0, restart: 1, reboot: 2, run: 3 } as const;

/** CTRL_*_EVENT: a console control handler's dwCtrlType (3 and 4 are unused). */
export const CONSOLE_CTRL_TYPES = { 'ctrl-c': 0, 'ctrl-break': 1, close: 2, logoff: 5, shutdown: 6 } as const;

/** EVENTLOG_*_TYPE: ReportEvent's wType for the levels servicehost writes. */
export const EVENT_LOG_TYPES = { error: 1, warning: 2, information: 4 } as const;

/** The name whose code is `code` in one of the tables above; undefined when none is. */
export function nameOfCode<Name extends string>(table: Readonly<Record<Name, number>>, code: number): Name | undefined {
  return (Object.keys(table) as Name[]).find((name) => table[name] === code);
}

/** ERROR_SERVICE_SPECIFIC_ERROR: a STOPPED service's exit code is in dwServiceSpecificExitCode. */
export const ERROR_SERVICE_SPECIFIC_ERROR = 1066;
/** ERROR_SERVICE_NEVER_STARTED: the service has not run since it was installed. */
export const ERROR_SERVICE_NEVER_STARTED = 1077;

function indexBy<Row, Key>(rows: readonly Row[], key: (row: Row) => Key): Map<Key, Row> {
  return new Map(rows.map((row) => [key(row), row]));
}

const stateByCode = indexBy<(typeof SCM_STATES)[number], number>(SCM_STATES, (row) => row.code);
const stateByName = indexBy<(typeof SCM_STATES)[number], string>(SCM_STATES, (row) => row.name);
const stateByLifecycle = indexBy<(typeof SCM_STATES)[number], string>(SCM_STATES, (row) => row.lifecycle);
const flagByName = indexBy<(typeof ACCEPT_FLAGS)[number], string>(ACCEPT_FLAGS, (row) => row.name);
const controlByCode = indexBy<ControlRow, number>(CONTROLS, (row) => row.code);
const controlByName = indexBy<ControlRow, string>(CONTROLS, (row) => row.name);

export const SCM_STATE_NAMES: readonly ScmStateName[] = SCM_STATES.map((row) => row.name);
export const ACCEPTED_CONTROL_NAMES: readonly AcceptedControl[] = ACCEPT_FLAGS.map((row) => row.name);
export const CONTROL_NAMES: readonly ControlRow['name'][] = CONTROLS.map((row) => row.name);

export function scmStateOfCode(code: number): (typeof SCM_STATES)[number] | undefined {
  return stateByCode.get(code);
}

export function scmStateCode(name: ScmStateName): number {
  return stateByName.get(name)!.code;
}

/** The SCM state for a lifecycle state ('stopping' → stop-pending). */
export function scmStateOf(state: ServiceState): (typeof SCM_STATES)[number] {
  return stateByLifecycle.get(state)!;
}

export function acceptFlag(name: AcceptedControl): number {
  return flagByName.get(name)!.flag;
}

/** SERVICE_ACCEPT_* mask → control names, in the table's order. */
export function acceptedControlNames(mask: number): AcceptedControl[] {
  return ACCEPT_FLAGS.filter((row) => (mask & row.flag) !== 0).map((row) => row.name);
}

export function controlOfCode(code: number): ControlRow | undefined {
  return controlByCode.get(code);
}

export function controlCode(name: ControlRow['name']): number {
  return controlByName.get(name)!.code;
}

/** The name of a SERVICE_CONTROL_* code: 'stop' for 1, 'custom' for 128 to 255, 'unknown' for a code the table lacks. */
export function controlName(code: number): ControlName {
  if (code >= CUSTOM_CONTROL_MIN && code <= CUSTOM_CONTROL_MAX) return 'custom';
  return controlByCode.get(code)?.name ?? 'unknown';
}

/**
 * The SERVICE_ACCEPT_* flag listening for a lifecycle event lets in (pause →
 * pause-continue); undefined when it lets in none. The stops are the host's
 * own to accept; 'control' gathers several controls, each asked for by name.
 */
export function acceptFlagForEvent(event: string): AcceptedControl | undefined {
  if (event === 'stop' || event === 'control') return undefined;
  return CONTROLS.find((row) => row.event === event && row.accept !== undefined)?.accept;
}
