// Which POSIX signals stop the service and which reload it. Signals neither
// list names are left to Node: servicehost installs no handler for them.
import { ServicehostError } from '../errors';
import { showValue } from '../validate';

export const DEFAULT_STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
export const DEFAULT_RELOAD_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP'];

/** Signals a person sends from a terminal (Ctrl-C, Ctrl-\): asked twice, the exit is forced. */
export const INTERACTIVE_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT']);

// Why a signal cannot be a stop or reload signal.
const REFUSED: Readonly<Record<string, string>> = {
  SIGKILL: 'it cannot be caught',
  SIGSTOP: 'it cannot be caught',
  SIGUSR1: "Node reserves it for its debugger (node --inspect)",
  SIGSEGV: 'a real one leaves the process unable to run JavaScript',
  SIGBUS: 'a real one leaves the process unable to run JavaScript',
  SIGFPE: 'a real one leaves the process unable to run JavaScript',
  SIGILL: 'a real one leaves the process unable to run JavaScript',
};

/** Checks a list of signal names; returns it without repeats. */
export function checkSignals(where: string, value: unknown, fallback: readonly NodeJS.Signals[]): readonly NodeJS.Signals[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of signal names, such as ['SIGTERM', 'SIGINT']`);
  const signals = new Set<NodeJS.Signals>();
  for (const name of value as unknown[]) {
    // node:os on first use: the default lists need no check, and a service that names none never loads it (about 0.3 ms).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const known = (require('node:os') as typeof import('node:os')).constants.signals;
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(known, name)) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}: ${showValue(name)} is not a signal name of this platform`);
    }
    const refused = REFUSED[name];
    if (refused) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}: ${name} cannot be used: ${refused}`);
    signals.add(name as NodeJS.Signals);
  }
  return [...signals];
}

/**
 * Both lists, checked against each other: a signal either stops or reloads. A
 * list left out is its default less the signals the other one names. `caller`
 * is what the lists were given to: 'new Service(options)'.
 */
export function checkSignalOptions(
  caller: string,
  stop: unknown,
  reload: unknown,
): { stopSignals: readonly NodeJS.Signals[]; reloadSignals: readonly NodeJS.Signals[] } {
  const givenStop = stop === undefined ? undefined : checkSignals(`${caller}: options.stopSignals`, stop, DEFAULT_STOP_SIGNALS);
  const givenReload = reload === undefined ? undefined : checkSignals(`${caller}: options.reloadSignals`, reload, DEFAULT_RELOAD_SIGNALS);
  const both = givenStop?.find((signal) => givenReload?.includes(signal));
  if (both) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${caller}: options.stopSignals and options.reloadSignals both name ${both}: a signal either stops or reloads`);
  const stopSignals = givenStop ?? DEFAULT_STOP_SIGNALS.filter((signal) => !givenReload?.includes(signal));
  const reloadSignals = givenReload ?? DEFAULT_RELOAD_SIGNALS.filter((signal) => !stopSignals.includes(signal));
  return { stopSignals, reloadSignals };
}
