// systemd socket activation (sd_listen_fds(3)): the listening sockets systemd
// opened for this process, from fd 3 on, ready for `server.listen({ fd })`.
import { ServicehostError } from '../../errors';
import { posixNative } from '../../native/load';
import { expectObject, optionalBoolean } from '../../validate';
import { decimal } from './decimal';

/** A file descriptor systemd passed (socket activation or the fd store). */
export interface ListenFd {
  /** The file descriptor, 3 and up. */
  fd: number;
  /** Its FileDescriptorName= (LISTEN_FDNAMES); 'unknown' when systemd gave none, as sd_listen_fds_with_names(3). */
  name: string;
  /** Whether it is a socket: always, unless {@link ListenFdsOptions.nonSockets} asked for other files too. */
  socket: boolean;
}

/** Where {@link listenFds} reads the variables, and whether it removes them. */
export interface ListenFdsOptions {
  /** The environment to read LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Remove the three variables once read, so children do not claim the fds. Default true. */
  unsetEnvironment?: boolean;
  /**
   * Also return passed fds that are not sockets (the fd store may hold other
   * files, such as a memfd). Default false: they are skipped, as callers of
   * sd_listen_fds(3) check sd_is_socket(3), so that a LISTEN_FDS that names
   * more fds than were passed never hands out Node's own (fd 3 is its epoll
   * instance when nothing was passed).
   */
  nonSockets?: boolean;
}

const SD_LISTEN_FDS_START = 3;
// Far above what systemd passes (its fd store allows 64 Ki): a count that cannot be real.
const MAX_LISTEN_FDS = 65_536;
let claimed: ListenFd[] | undefined;

/**
 * The fds passed by socket activation, checked against LISTEN_PID, LISTEN_FDS
 * and LISTEN_FDNAMES. They are marked close-on-exec and, by default, the three
 * variables are removed from the environment so children do not claim them;
 * later calls return the same list.
 */
export function listenFds(options: ListenFdsOptions = {}): ListenFd[] {
  const checked = expectObject('listenFds(options)', options);
  const env = (checked.env === undefined ? process.env : expectObject('listenFds: options.env', checked.env)) as NodeJS.ProcessEnv;
  const unset = optionalBoolean('listenFds: options.unsetEnvironment', checked.unsetEnvironment) ?? true;
  const nonSockets = optionalBoolean('listenFds: options.nonSockets', checked.nonSockets) ?? false;
  const only = (list: ListenFd[]) => list.filter((entry) => nonSockets || entry.socket).map((entry) => ({ ...entry }));
  if (claimed && env === process.env) return only(claimed);

  const found = readListenFds(env);
  if (unset) {
    delete env.LISTEN_PID;
    delete env.LISTEN_FDS;
    delete env.LISTEN_FDNAMES;
  }
  if (env === process.env) claimed = found;
  return only(found);
}

function readListenFds(env: NodeJS.ProcessEnv): ListenFd[] {
  if (!env.LISTEN_PID || !env.LISTEN_FDS) return [];
  // The variables were meant for another process (our parent, say): not ours.
  if (decimal(env.LISTEN_PID) !== process.pid) return [];
  // Plain decimal, as systemd writes it (and sd_listen_fds reads it): Number() would take 0x10 for 16.
  const count = decimal(env.LISTEN_FDS);
  if (count === undefined || count > MAX_LISTEN_FDS) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `LISTEN_FDS must be a decimal integer from 0 to ${MAX_LISTEN_FDS}; got ${JSON.stringify(env.LISTEN_FDS)}`);
  }
  const names = env.LISTEN_FDNAMES === undefined ? [] : env.LISTEN_FDNAMES.split(':');
  if (env.LISTEN_FDNAMES !== undefined && names.length !== count) {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `LISTEN_FDNAMES names ${names.length} fds but LISTEN_FDS says ${count}: ${JSON.stringify(env.LISTEN_FDNAMES)}`,
    );
  }
  const native = posixNative();
  const found: ListenFd[] = [];
  for (let index = 0; index < count; index++) {
    const fd = SD_LISTEN_FDS_START + index;
    let socket: boolean;
    try {
      socket = native.claimInheritedFd(fd).socket;
    } catch (error) {
      // Not open: nothing was passed there (the variables overstate the count).
      if ((error as NodeJS.ErrnoException).code === 'EBADF') continue;
      throw error;
    }
    found.push({ fd, name: names[index] || 'unknown', socket });
  }
  return found;
}
