// The options of `new Service(options)`, checked once at the public edge: the
// deadlines (capped by the stop timeout the service was installed with), the
// drain delay against them, and the shape of what is handed in. What concerns
// one host alone (its options, the signal lists) passes through to the host,
// which checks it.
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import type { Host } from '../hosts/host';
import type { HostOptions } from '../hosts/host-options';
import { checkHostOptions } from '../hosts/host-options';
import { expectFunction, expectInteger, expectKnownKeys, expectObject, expectString, optionalBoolean, optionalInteger } from '../validate';
import { defaultDrainDelayMs } from './drain-delay';
import { STOP_TIMEOUT_VARIABLE } from './installed-environment';
import { isLogger, type Logger } from './log';
import { MAX_STEP_TIMEOUT_MS } from './teardown';

/** Options of `new Service(options)`. */
export interface ServiceOptions {
  /** Used in log lines and as the Event Log source. Default: the SCM's service name, else the script's name. */
  name?: string;
  /** The host to run under. Default: the one the package's entry detects (Windows service, Windows console, systemd, posix). */
  host?: Host;
  /** Options for the detected host, by host: `{ windowsService, windowsConsole, systemd }`. */
  hostOptions?: HostOptions;
  /** How long start() may take. Default 60000. */
  startTimeoutMs?: number;
  /**
   * How long the whole teardown may take before the process is ended anyway.
   * Default 30000, or the stop timeout the service was installed with
   * (SERVICEHOST_STOP_TIMEOUT_MS, which also caps a larger value here).
   */
  stopTimeoutMs?: number;
  /** A step's own deadline when defer() gives none. Default 10000. */
  stepTimeoutMs?: number;
  /**
   * How long after a stop request the service keeps accepting and serving
   * before the drain starts, while readiness already answers 503: load
   * balancers that probe readiness then stop routing to it before its
   * listeners close. Counts against stopTimeoutMs. Skipped when the service
   * never ran or stops for an uncaught error. Default 0; 5000 under Kubernetes
   * (KUBERNETES_SERVICE_HOST set).
   */
  drainDelayMs?: number;
  /**
   * POSIX signals that stop the service. Default ['SIGTERM', 'SIGINT']. Others are left to Node.
   * For the posix and systemd hosts, which check them; under Windows there are no signals.
   */
  stopSignals?: readonly NodeJS.Signals[];
  /**
   * POSIX signals that reload it when something listens for 'reload' (else they stop it). Default ['SIGHUP'].
   * For the posix and systemd hosts, which check them; under Windows there are no signals.
   */
  reloadSignals?: readonly NodeJS.Signals[];
  /** A second interactive stop request (SIGINT, Ctrl-C, Ctrl-Break) during teardown ends the process at once. Default true. */
  forceOnSecondStop?: boolean;
  /** uncaughtException and unhandledRejection run the graceful teardown, then exit 75. Default true. */
  handleUncaughtErrors?: boolean;
  /** Where the service logs. Default: fitted to the host (Event Log, journal, stderr). */
  logger?: Logger;
  /** Ends the process; `process.exit` unless a test hands in another. Used by a detected host. */
  exitProcess?: (exitCode: number) => void;
}

// Every key of ServiceOptions (checked below), in the order the docs give them: any other is refused.
const SERVICE_OPTION_KEYS = [
  'name',
  'host',
  'hostOptions',
  'startTimeoutMs',
  'stopTimeoutMs',
  'stepTimeoutMs',
  'drainDelayMs',
  'stopSignals',
  'reloadSignals',
  'forceOnSecondStop',
  'handleUncaughtErrors',
  'logger',
  'exitProcess',
] as const satisfies readonly (keyof ServiceOptions)[];
const everyOptionListed: Exclude<keyof ServiceOptions, (typeof SERVICE_OPTION_KEYS)[number]> extends never ? true : never = true;
void everyOptionListed;

/** The options in force, every default filled in. */
export interface CheckedServiceOptions {
  startTimeoutMs: number;
  stopTimeoutMs: number;
  stepTimeoutMs: number;
  forceOnSecondStop: boolean;
  handleUncaughtErrors: boolean;
  drainDelayMs: number;
}

/** The script's name without its extension, else 'node': a service's name when none is known. */
export function defaultName(): string {
  const script = process.argv[1];
  return script ? path.basename(script).replace(/\.[cm]?[jt]s$/, '') : 'node';
}

// The installed stop timeout, read once and taken out of the environment so children do not inherit it.
function installedStopTimeoutMs(): number | undefined {
  const text = process.env[STOP_TIMEOUT_VARIABLE];
  if (text === undefined) return undefined;
  delete process.env[STOP_TIMEOUT_VARIABLE];
  const value = Number(text);
  return /^\d+$/u.test(text) && value >= 1 && value <= MAX_STEP_TIMEOUT_MS ? value : undefined;
}

// drainDelayMs, checked against the stop deadline it counts against. The
// default (Kubernetes' 5000) shrinks to half a shorter deadline, and so does a
// delay that the stop timeout the service was installed with leaves no room
// for; a delay the options themselves cannot fit is refused.
function drainDelayWithin(where: string, value: unknown, stopTimeoutMs: number, installedCap: boolean): number {
  if (value === undefined) return Math.min(defaultDrainDelayMs(), Math.floor(stopTimeoutMs / 2));
  const delayMs = expectInteger(where, value, 0, MAX_STEP_TIMEOUT_MS);
  if (delayMs < stopTimeoutMs) return delayMs;
  if (!installedCap) {
    throw new ServicehostError('ERR_OUT_OF_RANGE', `${where} (${delayMs}) must be less than stopTimeoutMs (${stopTimeoutMs}): the delay counts against it`);
  }
  return Math.floor(stopTimeoutMs / 2);
}

function checkHost(where: string, value: unknown): Host {
  const host = expectObject(where, value);
  for (const method of ['open', 'listen', 'report', 'statusText', 'close']) expectFunction(`${where}.${method}`, host[method]);
  return value as Host;
}

// A signal list is a list of names; which names a platform has is its host's check.
function checkSignalListShape(where: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((name) => typeof name === 'string'))) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of signal names, such as ['SIGTERM', 'SIGINT']`);
  }
}

/** Checks `new Service(options)`'s options (throws on the first wrong one) and fills in the defaults. */
export function checkServiceOptions(options: unknown): CheckedServiceOptions {
  const checked = expectObject('new Service(options)', options);
  const where = (key: string) => `new Service(options): options.${key}`;
  expectKnownKeys(where, checked, SERVICE_OPTION_KEYS);
  const installed = installedStopTimeoutMs();
  const startTimeoutMs = optionalInteger(where('startTimeoutMs'), checked.startTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 60_000;
  const givenStopTimeoutMs = optionalInteger(where('stopTimeoutMs'), checked.stopTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? installed ?? 30_000;
  const stopTimeoutMs = installed === undefined ? givenStopTimeoutMs : Math.min(givenStopTimeoutMs, installed);
  const stepTimeoutMs = optionalInteger(where('stepTimeoutMs'), checked.stepTimeoutMs, 1, MAX_STEP_TIMEOUT_MS) ?? 10_000;
  const forceOnSecondStop = optionalBoolean(where('forceOnSecondStop'), checked.forceOnSecondStop) ?? true;
  const handleUncaughtErrors = optionalBoolean(where('handleUncaughtErrors'), checked.handleUncaughtErrors) ?? true;
  const drainDelayMs = drainDelayWithin(where('drainDelayMs'), checked.drainDelayMs, stopTimeoutMs, installed !== undefined);
  if (checked.name !== undefined) expectString(where('name'), checked.name, { nonEmpty: true });
  if (checked.logger !== undefined && !isLogger(checked.logger)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where('logger')} must have error, warn, info and debug functions`);
  }
  if (checked.exitProcess !== undefined) expectFunction(where('exitProcess'), checked.exitProcess);
  if (checked.host !== undefined) checkHost(where('host'), checked.host);
  if (checked.hostOptions !== undefined) checkHostOptions(where('hostOptions'), checked.hostOptions);
  // Their names are the signal hosts' to check (Windows lacks SIGUSR2, which a portable program may name);
  // a value that is no list of names is refused here, whatever the host, a host handed in included.
  checkSignalListShape(where('stopSignals'), checked.stopSignals);
  checkSignalListShape(where('reloadSignals'), checked.reloadSignals);
  return { startTimeoutMs, stopTimeoutMs, stepTimeoutMs, forceOnSecondStop, handleUncaughtErrors, drainDelayMs };
}
