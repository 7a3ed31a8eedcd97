/**
 * The one table of exit codes, used by every host. Non-zero codes start at 70
 * (sysexits' EX_SOFTWARE) so that they never mean one of Node's own codes
 * (1 uncaught error, 9 invalid argument, 13 unsettled top-level await, 128+
 * signals). On Windows a non-zero outcome reaches the SCM as
 * ERROR_SERVICE_SPECIFIC_ERROR (1066) with this code as the service-specific
 * code, so recovery actions fire; the process exit code is the same.
 */
export const exitCodes = {
  /** A clean stop: every teardown step finished in time. */
  ok: 0,
  /** The start callback threw, or the host could not start the service. */
  startFailed: 70,
  /** The start callback overran `startTimeoutMs`. */
  startTimeout: 71,
  /** A teardown step threw or overran its own timeout; the other steps still ran. */
  teardownFailed: 72,
  /** Teardown passed `stopTimeoutMs`: the process was ended with steps unfinished. */
  stopTimeout: 73,
  /**
   * A second interactive stop request (Ctrl-C, Ctrl-Break, SIGINT, SIGQUIT) during teardown ended the
   * process at once (`forceOnSecondStop`). A repeated SIGTERM or SCM stop never forces: teardown goes on.
   */
  forced: 74,
  /** An uncaught exception or unhandled rejection; teardown ran first. */
  uncaughtError: 75,
  /** `service.stop(error)`, or the host failed (for example the SCM refused the connection). */
  failed: 76,
} as const;

/** A name in {@link exitCodes}: 'ok', 'startFailed', ... */
export type ExitCodeName = keyof typeof exitCodes;
