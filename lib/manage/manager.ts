// One interface over the Windows SCM, systemd and launchd. servicehost/manage
// checks its arguments, picks the platform's manager once, and hands every
// operation to it.
import { ServicehostError } from '../errors';
import type { CommandOverrides } from './commands';
import type { ResolvedLogsOptions, ServiceLog } from './logs';
import type { InstallSpec } from './spec';
import type { InstallResult, ListFilter, ManagerPlatform, ServiceInfo, ServiceSummary, StartOptions, StopOptions, WaitOptions } from './types';

/** Where a service lives when it is not the system-wide default. */
export interface ScopeOptions {
  /** systemd: the user's manager (--user). launchd: a LaunchAgent. */
  user?: boolean;
  /** systemd: an offline root (systemctl --root). */
  root?: string;
  /** launchd: the folder the plist is in. */
  directory?: string;
  /** uninstall: remove a service servicehost did not install (it carries no servicehost marker). Default false. */
  force?: boolean;
  /** uninstall, Windows: also delete the folder of the service's captured output. Default false: the logs stay. */
  removeLogs?: boolean;
  /** Programs to run instead of the standard systemctl / launchctl (tests, unusual installs). */
  commands?: CommandOverrides;
}

export interface ServiceManager {
  readonly platform: ManagerPlatform;
  install(spec: InstallSpec): Promise<InstallResult>;
  configure(spec: InstallSpec): Promise<InstallResult>;
  uninstall(name: string, options: ScopeOptions & WaitOptions): Promise<void>;
  start(name: string, options: ScopeOptions & StartOptions): Promise<void>;
  stop(name: string, options: ScopeOptions & StopOptions): Promise<void>;
  restart(name: string, options: ScopeOptions & WaitOptions): Promise<void>;
  query(name: string, options: ScopeOptions): Promise<ServiceInfo>;
  list(filter: ListFilter & ScopeOptions): Promise<ServiceSummary[]>;
  logs(name: string, options: ScopeOptions & ResolvedLogsOptions): Promise<ServiceLog>;
}

/** The service manager of this platform. */
export function managerPlatform(platform: NodeJS.Platform = process.platform): ManagerPlatform {
  switch (platform) {
    case 'win32': return 'windows';
    case 'darwin': return 'launchd';
    case 'linux': return 'systemd';
    default:
      throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', `servicehost cannot manage services on ${platform}: it knows the Windows SCM, systemd and launchd.`);
  }
}

let chosen: ServiceManager | undefined;

/** This platform's manager, picked once; only its own code is loaded. */
export function platformManager(): ServiceManager {
  if (chosen) return chosen;
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (managerPlatform()) {
    case 'windows':
      chosen = (require('./windows/windows-manager') as typeof import('./windows/windows-manager')).windowsManager;
      break;
    case 'systemd':
      chosen = (require('./systemd/systemd-manager') as typeof import('./systemd/systemd-manager')).systemdManager;
      break;
    case 'launchd':
      chosen = (require('./launchd/launchd-manager') as typeof import('./launchd/launchd-manager')).launchdManager;
      break;
  }
  return chosen;
}
