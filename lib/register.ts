/// <reference types="node" preserve="true" />
/**
 * `servicehost/register`: connect to the Windows SCM before the application's
 * own imports run, so a slow start-up never misses the SCM's 30 s window, and
 * every control that arrives meanwhile is kept for the service; a program that
 * throws or exits while it loads reports STOPPED with its exit code (75 for an
 * uncaught exception, see windows/early-exit.ts) instead of leaving the SCM
 * waiting. The connection is shared by every copy of servicehost in the
 * process, so an app's own copy takes over what a global CLI's preload
 * connected. Under the SCM it also puts the process in a job object, so the
 * service's child processes end when it ends, however it ends
 * (SERVICEHOST_KILL_CHILDREN=0, written by `--no-kill-children`, opts out).
 * On Windows, first of all, when SERVICEHOST_LOG_DIR is set (install sets it),
 * the process's stdout and stderr go to output.log in that folder, at the OS
 * level and with rotation (windows/output-capture.ts).
 *
 *   node -r servicehost/register app.js
 *   node --import servicehost/register app.mjs
 *
 * Anywhere but under the SCM it does nothing, except for one thing every
 * host shares: when SERVICEHOST_WORKING_DIRECTORY is set (the manager sets it
 * for Windows services, which otherwise start in System32), it changes to
 * that folder before the program runs, and removes the variable so child
 * processes do not inherit it.
 *
 * @packageDocumentation
 * @module servicehost/register
 */
import { LOG_DIR_VARIABLE, WORKING_DIRECTORY_VARIABLE } from './lifecycle/installed-environment';

if (process.platform === 'win32') {
  /* eslint-disable @typescript-eslint/no-require-imports */
  // First, before anything writes: with SERVICEHOST_LOG_DIR set (by install), stdout and stderr go to its output.log.
  if (process.env[LOG_DIR_VARIABLE]) (require('./windows/output-capture') as typeof import('./windows/output-capture')).captureOutputFromEnvironment();
  const { isWindowsService } = require('./windows/scm') as typeof import('./windows/scm');
  // reportEarlyExit: a program that ends before its Service (or a raw
  // startServiceDispatcher) takes the connection reports STOPPED with its
  // exit code, so a start fails at once instead of waiting out the SCM.
  if (isWindowsService()) (require('./windows/dispatcher') as typeof import('./windows/dispatcher')).connectDispatcher({ reportEarlyExit: true });
  // Before the program can start a child: every child it starts ends with it.
  const job = require('./windows/job') as typeof import('./windows/job');
  if (job.takeKillChildrenSetting() && isWindowsService()) job.keepChildrenWithService();
}

const workingDirectory = process.env[WORKING_DIRECTORY_VARIABLE];
if (workingDirectory !== undefined && workingDirectory !== '') {
  delete process.env[WORKING_DIRECTORY_VARIABLE];
  try {
    process.chdir(workingDirectory);
  } catch (error) {
    throw new Error(`servicehost/register: cannot change to the service's working directory ${workingDirectory}: ${(error as Error).message}`, { cause: error });
  }
}
