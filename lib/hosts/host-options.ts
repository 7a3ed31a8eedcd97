// The options of the host Service picks, by host: what `new Service({ hostOptions })`
// passes through. Their names are checked here, at the public edge, whichever
// host runs, so a typo fails where the program is written, not where it is
// deployed; so are the systemd host's values (systemd-options.ts, which the
// SystemdHost checks its options with too). The Windows hosts check their own values
// (their acceptedControls are the SCM table's), which only Windows loads.
// A leaf: it imports types and validate alone, never the hosts themselves.
import { expectKnownKeys, expectObject } from '../validate';
import { checkSystemdOptions, type SystemdHostOptions } from './systemd/systemd-options';
import type { WindowsConsoleHostOptions } from './windows-console';
import type { WindowsServiceHostOptions } from './windows-service';

/** Options for the host Service picks, by host; Service passes them through unread. */
export interface HostOptions {
  /** For the Windows service host (the SCM started the process). */
  windowsService?: WindowsServiceHostOptions;
  /** For the Windows console host (a terminal, a scheduled task). */
  windowsConsole?: WindowsConsoleHostOptions;
  /** For the systemd host (NOTIFY_SOCKET is set). Its signals are `new Service({ stopSignals, reloadSignals })`, as the posix host's are. */
  systemd?: Omit<SystemdHostOptions, 'exitProcess' | 'stopSignals' | 'reloadSignals'>;
}

// Each list names every key of its type (checked below), in the order the docs give them.
const HOST_KEYS = ['windowsService', 'windowsConsole', 'systemd'] as const satisfies readonly (keyof HostOptions)[];
const OPTION_KEYS = {
  windowsService: ['acceptedControls', 'acceptShutdown', 'pendingWaitHintMs', 'dispatcherExitTimeoutMs', 'exitProcess'],
  windowsConsole: ['closeBudgetMs', 'exitProcess'],
  systemd: ['env', 'watchdog', 'warn'],
} as const satisfies { [K in keyof HostOptions]-?: readonly (keyof NonNullable<HostOptions[K]>)[] };
type Unlisted<T, Listed extends readonly unknown[]> = Exclude<keyof T, Listed[number]>;
const everyKeyListed: [
  Unlisted<HostOptions, typeof HOST_KEYS> | Unlisted<WindowsServiceHostOptions, typeof OPTION_KEYS.windowsService>,
  Unlisted<WindowsConsoleHostOptions, typeof OPTION_KEYS.windowsConsole> | Unlisted<NonNullable<HostOptions['systemd']>, typeof OPTION_KEYS.systemd>,
] extends [never, never]
  ? true
  : never = true;
void everyKeyListed;

/** Checks `hostOptions` (`where` is its own name): the hosts' names and their options' names, and the systemd host's values. */
export function checkHostOptions(where: string, value: unknown): void {
  const options = expectObject(where, value);
  expectKnownKeys((key) => `${where}.${key}`, options, HOST_KEYS);
  for (const host of HOST_KEYS) {
    if (options[host] === undefined) continue;
    const own = expectObject(`${where}.${host}`, options[host]);
    const at = (key: string) => `${where}.${host}.${key}`;
    expectKnownKeys(at, own, OPTION_KEYS[host]);
    if (host === 'systemd') checkSystemdOptions(at, own);
  }
}
