// systemd's way to another machine: the remote manager (systemd-remote.ts,
// systemctl -H), whose calls are child processes already, so a view of
// several hosts asks each in this process.
import { inProcessTasks, type RemoteAccess } from '../remote-access';
import { systemdRemoteManager } from './systemd-remote';

export const systemdRemoteAccess: RemoteAccess = {
  manager: () => systemdRemoteManager,
  ...inProcessTasks(() => systemdRemoteManager),
};
