// The numbers systemd hands a service in its environment (WATCHDOG_USEC,
// WATCHDOG_PID, LISTEN_PID, LISTEN_FDS, $MAINPID), read as systemd writes them:
// plain decimal. Number() would also read '0x10', '1e3', ' 5' and '+5'.

/** A non-negative decimal integer without sign, leading zeros or spaces; undefined otherwise. */
export function decimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^(0|[1-9][0-9]*)$/u.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
