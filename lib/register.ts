/**
 * `servicehost/register`: connect to the Windows SCM before the application's
 * own imports run, so a slow start-up never misses the SCM's 30 s window, and
 * every control that arrives meanwhile is kept for the host.
 *
 *   node -r servicehost/register app.js
 *   node --import servicehost/register app.mjs
 *
 * Anywhere but under the SCM it does nothing.
 */
import { connectDispatcher } from './windows-dispatcher';
import { isWindowsService } from './windows-scm';

if (isWindowsService()) connectDispatcher();
