// A systemd scope (the system, the user's own manager, or an offline root):
// where its units live, and systemctl run in it, always with an argument
// array (no shell), its failures said as the manager's typed errors.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { commandPath, type CommandOverrides } from '../commands';
import { ServicehostError } from '../../errors';
import { ServiceManagerError } from '../errors';
import { userConfigHome } from '../user-home';
import { serviceUnitName } from './socket-names';

export interface SystemdScope {
  /** The user's own manager (systemctl --user). */
  user?: boolean;
  /** An offline root (systemctl --root). */
  root?: string;
  /** Programs to run instead of the standard systemctl (tests). */
  commands?: CommandOverrides;
}

/**
 * Refuses a scope that would not do what it says. --user with --root: a user
 * unit in an image belongs in its etc/systemd/user (systemctl --global), which
 * servicehost does not write, and writing a system unit instead would give it
 * root's rights. --root / (or a link to it): that is the live system, whose
 * install reloads systemd, starts the service and runs every check; one path
 * for it, not an offline one that skips those.
 */
export function checkScope(scope: SystemdScope): void {
  if (scope.root === undefined) return;
  if (scope.user) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', '--user and --root (systemd.user and systemd.root) do not combine: --root writes the image\'s system units (etc/systemd/system), which run as root, not a user\'s. Drop --user to install a system unit in the image, or drop --root for your own user manager');
  }
  let real: string;
  try {
    real = realpathSync(scope.root);
  } catch {
    return; // Not there yet: made, and checked, when the unit is written.
  }
  if (real === '/') {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `--root ${scope.root} (systemd.root) is this machine's live system, not an offline root: drop --root, so that the install reloads systemd, starts the service and makes every check`);
  }
}

/** Where units of this scope live. */
export function systemdUnitDirectory(scope: SystemdScope = {}): string {
  checkScope(scope);
  if (scope.root !== undefined) return path.join(path.resolve(scope.root), 'etc', 'systemd', 'system');
  if (scope.user) return path.join(userConfigHome(), 'systemd', 'user');
  return '/etc/systemd/system';
}

function scopeArgs(scope: SystemdScope): string[] {
  checkScope(scope);
  if (scope.root !== undefined) return [`--root=${path.resolve(scope.root)}`];
  return scope.user ? ['--user'] : [];
}

/**
 * Runs systemctl with an argument array: its scope, `args`, then `--` and
 * the unit names, so that no name is ever read as an option.
 */
export function systemctl(scope: SystemdScope, args: readonly string[], service: string, units: readonly string[] = [], timeoutMs = 10 * 60_000): Promise<string> {
  const argv = [...scopeArgs(scope), ...args, ...(units.length > 0 ? ['--', ...units] : [])];
  const program = commandPath('systemctl', scope.commands);
  return new Promise((resolve, reject) => {
    execFile(program, argv, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if (error.killed) {
        // Our deadline, not systemd's: the job it queued goes on.
        return reject(new ServiceManagerError('ERR_SERVICEHOST_WAIT_TIMEOUT', service, `systemctl ${argv.join(' ')} did not finish within ${timeoutMs} ms; systemd goes on with the job (\`systemctl status ${units.join(' ')}\` shows it)`, error));
      }
      const text = `${stderr}`.trim() || error.message;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', service, `systemctl was not found (${program}): is this a systemd system?`, error));
      }
      if (/access denied|interactive authentication required|permission denied/iu.test(text)) {
        return reject(new ServiceManagerError('ERR_SERVICEHOST_ACCESS_DENIED', service, `systemctl ${argv.join(' ')}: ${text}. Run it as root (sudo), or use a per-user service (--user).`, error));
      }
      if (/not (found|loaded)|does not exist/iu.test(text)) {
        return reject(new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', service, `systemctl ${argv.join(' ')}: ${text}`, error));
      }
      reject(new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', service, `systemctl ${argv.join(' ')} failed: ${text}`, error));
    });
  });
}

/** The unit file of service `name` in this scope. */
export function unitPath(name: string, scope: SystemdScope): string {
  return path.join(systemdUnitDirectory(scope), serviceUnitName(name));
}
