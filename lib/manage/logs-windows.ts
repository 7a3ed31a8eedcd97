// Where a Windows service's captured output is: the folder install wrote into
// the service's Environment value (SERVICEHOST_LOG_DIR), else the default one.
import * as path from 'node:path';
import { LOG_DIR_VARIABLE } from '../lifecycle/installed-environment';

/** `%ProgramData%\servicehost\<name>\logs`, %ProgramData% as this process's environment has it. */
export function defaultWindowsLogDirectory(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'servicehost', name, 'logs');
}

/** The service's log folder, from its Environment value (as query() reads it). */
export function windowsLogDirectory(name: string, environment: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  const configured = environment[LOG_DIR_VARIABLE];
  return configured !== undefined && configured !== '' ? configured : defaultWindowsLogDirectory(name, env);
}
