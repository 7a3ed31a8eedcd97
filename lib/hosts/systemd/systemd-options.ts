// The systemd host's options and their one check, a leaf: `new Service()`
// checks hostOptions.systemd with it whichever host runs (host-options.ts), and
// the SystemdHost with it again when it is built.
import { expectFunction, expectObject, optionalBoolean } from '../../validate';
import type { PosixHostOptions } from '../posix';

export interface SystemdHostOptions extends PosixHostOptions {
  /** The environment to read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Send WATCHDOG=1 when systemd asks for it (WatchdogSec=). Default true. */
  watchdog?: boolean;
  /** Where a failed notification is reported; it never throws. Default: service.log's warn. */
  warn?: (message: string) => void;
}

/** The systemd host's own options, checked: `where` names one as the caller wrote it. */
export function checkSystemdOptions(
  where: (key: string) => string,
  options: Record<string, unknown>,
): { env: NodeJS.ProcessEnv | undefined; watchdog: boolean | undefined; warn: ((message: string) => void) | undefined } {
  return {
    env: options.env === undefined ? undefined : (expectObject(where('env'), options.env) as NodeJS.ProcessEnv),
    watchdog: optionalBoolean(where('watchdog'), options.watchdog),
    warn: options.warn === undefined ? undefined : (expectFunction(where('warn'), options.warn) as (message: string) => void),
  };
}
