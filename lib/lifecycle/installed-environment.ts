// The variables servicehost/manage writes into a service's environment and
// the running program reads (and removes, so children do not inherit them):
// the contract between install time and run time, in one place.

/** The installed stop timeout in ms: Service keeps its whole stop inside it, on every host. */
export const STOP_TIMEOUT_VARIABLE = 'SERVICEHOST_STOP_TIMEOUT_MS';

/** The folder of a Windows service's captured output (output.log and its rotations), an absolute path. */
export const LOG_DIR_VARIABLE = 'SERVICEHOST_LOG_DIR';

/** The working directory, for Windows services, which otherwise start in System32: servicehost/register moves there first. */
export const WORKING_DIRECTORY_VARIABLE = 'SERVICEHOST_WORKING_DIRECTORY';

/** '0' when the install opted out of ending the service's children with it (Windows: --no-kill-children); servicehost/register reads it. */
export const KILL_CHILDREN_VARIABLE = 'SERVICEHOST_KILL_CHILDREN';

/**
 * Set to 1 in units servicehost writes: the program acknowledges each reload
 * in $RUNTIME_DIRECTORY, where the unit's ExecReload= helper waits for it.
 */
export const RELOAD_ACK_VARIABLE = 'SERVICEHOST_RELOAD_ACK';

/**
 * Set to 1 in Type=notify-reload units servicehost writes (systemd 253 and
 * later): systemd sends SIGHUP for `systemctl reload` and waits for RELOADING=1
 * and READY=1, so the program treats SIGHUP as a reload even with no listener
 * (it answers at once, with a warning) rather than stop.
 */
export const NOTIFY_RELOAD_VARIABLE = 'SERVICEHOST_NOTIFY_RELOAD';

/** The files of the reload handshake, inside $RUNTIME_DIRECTORY. */
export const RELOAD_FILES = {
  /** Present while the program listens for 'reload' (else SIGHUP would stop it). */
  accepts: 'servicehost-accepts-reload',
  /** The helper's nonce for the reload it is about to ask for. */
  request: 'servicehost-reload-request',
  /** `<nonce> ok` or `<nonce> failed`, once that reload's listeners settled. */
  ack: 'servicehost-reload-ack',
} as const;
