// Where a user's own units live: $XDG_CONFIG_HOME, or ~/.config. A relative
// XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says. Under sudo
// as root (HOME and XDG_* may be the invoking user's, kept by -E or
// env_keep), neither variable is trusted: the home is the target user's
// (SUDO_USER) from the password database. Root's own environment (a root
// shell, CI, a container) is root's, and is read as any user's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A user's home from the password database: getent (NSS), else /etc/passwd. */
export function passwdHome(user: string): string | undefined {
  const fromLine = (line: string | undefined) => {
    const fields = line?.trim().split(':');
    return fields && fields.length >= 7 && fields[0] === user && path.isAbsolute(fields[5]!) ? fields[5] : undefined;
  };
  try {
    return fromLine(execFileSync('getent', ['passwd', '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    try {
      return fromLine(readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith(`${user}:`)));
    } catch {
      return undefined;
    }
  }
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
