// The programs servicehost/manage runs (systemctl, journalctl, launchctl), by
// absolute path: a privileged run never takes one from PATH or from the
// environment (sudo -E, env_keep). Another program is honoured only when the
// caller names it explicitly (ScopeOptions.commands, the command's
// --systemctl), as tests and unusual installs do; an environment variable
// (SERVICEHOST_SYSTEMCTL, ...) only for an unprivileged user outside sudo.
import { existsSync } from 'node:fs';
import { ServicehostError } from '../errors';

/** Other programs to run in place of the standard ones, by absolute path. */
export interface CommandOverrides {
  /** Runs in place of /usr/bin/systemctl. */
  systemctl?: string;
  /** Runs in place of /usr/bin/journalctl. */
  journalctl?: string;
  /** Runs in place of /bin/launchctl. */
  launchctl?: string;
}

export type ManagedCommand = keyof CommandOverrides;
export const MANAGED_COMMANDS = ['systemctl', 'journalctl', 'launchctl'] as const satisfies readonly ManagedCommand[];

const STANDARD_PATHS: Record<ManagedCommand, readonly string[]> = {
  systemctl: ['/usr/bin/systemctl', '/bin/systemctl'],
  journalctl: ['/usr/bin/journalctl', '/bin/journalctl'],
  launchctl: ['/bin/launchctl'],
};

/** True where the environment may belong to someone else: root, or a sudo. */
export function privileged(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.geteuid?.() === 0 || env.SUDO_UID !== undefined;
}

export function commandPath(command: ManagedCommand, overrides: CommandOverrides = {}, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = overrides[command];
  if (explicit !== undefined) return explicit;
  const fromEnvironment = env[`SERVICEHOST_${command.toUpperCase()}`];
  if (fromEnvironment !== undefined && !privileged(env)) return fromEnvironment;
  const standard = STANDARD_PATHS[command];
  return standard.find((candidate) => existsSync(candidate)) ?? standard[0]!;
}

/** Checks a ScopeOptions.commands value. */
export function checkCommandOverrides(where: string, value: unknown): CommandOverrides {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an object`);
  for (const [key, program] of Object.entries(value)) {
    if (!(MANAGED_COMMANDS as readonly string[]).includes(key)) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.${key}: servicehost runs no such command`);
    if (typeof program !== 'string' || program === '' || program.includes('\0')) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.${key} must be a program path`);
  }
  return value as CommandOverrides;
}
