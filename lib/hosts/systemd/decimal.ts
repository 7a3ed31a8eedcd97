// The numbers systemd hands a service in its environment (WATCHDOG_USEC,
// WATCHDOG_PID, LISTEN_PID, LISTEN_FDS, $MAINPID), read as systemd writes them:
// plain decimal. Number() would also read '0x10', '1e3', ' 5' and '+5'.

/** A non-negative decimal integer without sign, leading zeros or spaces; undefined otherwise. */
export function decimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^(0|[1-9][0-9]*)$/u.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Linux's largest pid_max (PID_MAX_LIMIT, 2^22). */
export const MAX_PID = 4_194_304;

/** $MAINPID as systemd writes it: decimal digits, no sign, no leading zero, 2 to 2^22. */
export function parseMainPid(text: string | undefined): number | undefined {
  const pid = decimal(text);
  return pid !== undefined && pid >= 2 && pid <= MAX_PID ? pid : undefined;
}
