// Where a user's own units live: $XDG_CONFIG_HOME, or ~/.config. A relative
// XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says. Under sudo
// as root (HOME and XDG_* may be the invoking user's, kept by -E or
// env_keep), neither variable is trusted: the home is the target user's
// (SUDO_USER) from the password database. Root's own environment (a root
// shell, CI, a container) is root's, and is read as any user's.
import * as os from 'node:os';
import * as path from 'node:path';
import { Accounts } from './accounts';

/**
 * A user's home from the password database: /etc/passwd read directly (no
 * program from root's PATH), then getent by its absolute path for NSS users.
 */
export function passwdHome(user: string, accounts: Accounts = new Accounts()): string | undefined {
  const home = accounts.user(user)?.home;
  return home !== undefined && path.isAbsolute(home) ? home : undefined;
}

export function userConfigHome(env: NodeJS.ProcessEnv = process.env, euid: number | undefined = process.geteuid?.()): string {
  if (euid === 0 && env.SUDO_USER) {
    const home = passwdHome(env.SUDO_USER);
    if (home === undefined) throw new Error(`servicehost: ${env.SUDO_USER} (SUDO_USER) is not in the password database`);
    return path.join(home, '.config');
  }
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && path.isAbsolute(xdg)) return xdg;
  return path.join(os.homedir(), '.config');
}
