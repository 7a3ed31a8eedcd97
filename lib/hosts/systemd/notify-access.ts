// Whether systemd will take what this process sends. A unit servicehost writes
// has NotifyAccess=main: systemd drops a notification from any PID but the
// main process's (journal: "reception only permitted for main PID"), so a
// Service made in a child of the unit's program (a cluster worker, a
// child_process that inherited NOTIFY_SOCKET) never gets READY=1 through, and
// the start times out. systemd 248 and later name the process they started in
// $SYSTEMD_EXEC_PID; when that is not this process, the host says so once, at
// open. It does not widen the access itself (NOTIFYACCESS=all, systemd 254+):
// that would let any process of the unit speak for it.
import { decimal } from './decimal';

/** Why systemd may drop this process's notifications, or undefined. */
export function notifyAccessProblem(env: NodeJS.ProcessEnv, pid = process.pid): string | undefined {
  const execPid = decimal(env.SYSTEMD_EXEC_PID);
  if (execPid === undefined || execPid === pid) return undefined;
  return (
    `this process (PID ${pid}) is not the one systemd started (SYSTEMD_EXEC_PID=${execPid}): under NotifyAccess=main, which servicehost's units have, ` +
    'systemd drops its READY=1 and the start times out. Make the Service in the program systemd starts (ExecStart=), or set NotifyAccess=all in your own unit'
  );
}
