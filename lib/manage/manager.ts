// One interface over the Windows SCM, systemd and launchd. servicehost/manage
// checks its arguments, picks the platform's manager once, and hands every
// operation to it.
import { ServicehostError } from '../errors';
import type { ManagerPlatform, ServiceManager } from './types';

// Declared in types.ts, which loads no manager: each platform's manager names the interface without a cycle through this file, which loads them.
export type { ScopeOptions, ServiceManager } from './types';

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
