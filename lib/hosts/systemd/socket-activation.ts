// systemd socket activation (sd_listen_fds(3)): the listening sockets systemd
// opened for this process, from fd 3 on, ready for `server.listen({ fd })`.
import { ServicehostError } from '../../errors';
import { posixNative } from '../../native/load';
import { expectObject, optionalBoolean } from '../../validate';

/** A file descriptor systemd passed (socket activation or the fd store). */
export interface ListenFd {
  /** The file descriptor, 3 and up. */
  fd: number;
  /** Its FileDescriptorName= (LISTEN_FDNAMES); 'unknown' when systemd gave none, as sd_listen_fds_with_names(3). */
  name: string;
  /** Whether it is a socket (FDSTORE may also hand back other files). */
  socket: boolean;
}

/** Where {@link listenFds} reads the variables, and whether it removes them. */
export interface ListenFdsOptions {
  /** The environment to read LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Remove the three variables once read, so children do not claim the fds. Default true. */
  unsetEnvironment?: boolean;
}

const SD_LISTEN_FDS_START = 3;
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
  if (claimed && env === process.env) return claimed.map((entry) => ({ ...entry }));

  const found = readListenFds(env);
  if (unset) {
    delete env.LISTEN_PID;
    delete env.LISTEN_FDS;
    delete env.LISTEN_FDNAMES;
  }
  if (env === process.env) claimed = found;
  return found.map((entry) => ({ ...entry }));
}

function readListenFds(env: NodeJS.ProcessEnv): ListenFd[] {
  if (!env.LISTEN_PID || !env.LISTEN_FDS) return [];
  // The variables were meant for another process (our parent, say): not ours.
  if (Number(env.LISTEN_PID) !== process.pid) return [];
  const count = Number(env.LISTEN_FDS);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `LISTEN_FDS must be a non-negative integer; got ${JSON.stringify(env.LISTEN_FDS)}`);
  }
  const names = env.LISTEN_FDNAMES === undefined ? [] : env.LISTEN_FDNAMES.split(':');
  if (env.LISTEN_FDNAMES !== undefined && names.length !== count) {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `LISTEN_FDNAMES names ${names.length} fds but LISTEN_FDS says ${count}: ${JSON.stringify(env.LISTEN_FDNAMES)}`,
    );
  }
  const native = posixNative();
  return Array.from({ length: count }, (_, index) => {
    const fd = SD_LISTEN_FDS_START + index;
    return { fd, name: names[index] || 'unknown', socket: native.claimInheritedFd(fd).socket };
  });
}
