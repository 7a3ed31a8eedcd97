// systemd's file descriptor store (FDSTORE=1, FileDescriptorStoreMax=): fds
// handed to systemd survive a restart of the service and come back through
// socket activation (listenFds(), under their FDNAME).
import { ServicehostError } from '../../errors';
import { posixNative } from '../../native/load';
import { expectInteger, expectString } from '../../validate';
import { notifySocketOf } from './notify-socket';

/**
 * Hands `fds` to systemd under `name`. Returns false where there is no store
 * (not run by systemd); throws the system's error if the send fails.
 */
export function storeFds(fds: readonly number[], name: string): boolean {
  if (!Array.isArray(fds)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'storeFds(fds, name): fds must be an array of file descriptors');
  fds.forEach((fd, index) => expectInteger(`storeFds(fds, name): fds[${index}]`, fd, 0, 0x7fffffff));
  const checkedName = expectString('storeFds(fds, name): name', name, { nonEmpty: true });
  if (!/^[\x21-\x7e]{1,255}$/u.test(checkedName) || checkedName.includes(':')) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'storeFds(fds, name): name must be 1 to 255 printable ASCII characters without ":"');
  }
  const socket = notifySocketOf(process.env);
  if (socket === undefined) return false;
  posixNative().sdNotify(socket, `FDSTORE=1\nFDNAME=${checkedName}`, fds);
  return true;
}
