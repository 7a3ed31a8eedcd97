/**
 * `servicehost/register`: connect to the Windows SCM before the application's
 * own imports run, so a slow start-up never misses the SCM's 30 s window, and
 * every control that arrives meanwhile is kept for the host.
 *
 *   node -r servicehost/register app.js
 *   node --import servicehost/register app.mjs
 *
 * Anywhere but under the SCM it does nothing, except for one thing every
 * host shares: when SERVICEHOST_WORKING_DIRECTORY is set (the manager sets it
 * for Windows services, which otherwise start in System32), it changes to
 * that folder before the program runs, and removes the variable so child
 * processes do not inherit it.
 */
import { connectDispatcher } from './windows/dispatcher';
import { isWindowsService } from './windows/scm';

if (isWindowsService()) connectDispatcher();

const workingDirectory = process.env.SERVICEHOST_WORKING_DIRECTORY;
if (workingDirectory !== undefined && workingDirectory !== '') {
  delete process.env.SERVICEHOST_WORKING_DIRECTORY;
  try {
    process.chdir(workingDirectory);
  } catch (error) {
    throw new Error(`servicehost/register: cannot change to the service's working directory ${workingDirectory}: ${(error as Error).message}`, { cause: error });
  }
}
