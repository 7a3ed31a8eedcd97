// The Windows service manager: lib/manage's operations on the native SCM API,
// one file per part: install.ts (install, configure), uninstall.ts,
// start-stop.ts (start, stop, restart) and query.ts (query, list, logs).
import type { ServiceManager } from '../types';
import { configureWindowsService, installWindowsService } from './install';
import { logsWindowsService, listWindowsServices, queryWindowsService } from './query';
import { restartWindowsService, startWindowsService, stopWindowsService } from './start-stop';
import { uninstallWindowsService } from './uninstall';

/** The Windows SCM behind servicehost/manage. */
export const windowsManager: ServiceManager = {
  platform: 'windows',
  install: installWindowsService,
  configure: configureWindowsService,
  uninstall: uninstallWindowsService,
  start: async (name, options) => void (await startWindowsService(name, options)),
  stop: async (name, options) => void (await stopWindowsService(name, options)),
  restart: async (name, options) => void (await restartWindowsService(name, options)),
  query: async (name, options) => queryWindowsService(name, options),
  list: async (filter) => listWindowsServices(filter),
  logs: logsWindowsService,
};
