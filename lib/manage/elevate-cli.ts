// `--elevate` on the command line: the same command runs in an elevated
// servicehost, and its output and exit code come back unchanged.
import type { ParsedCommand } from '../cli/args';
import { namesUserAccount } from '../cli/install-spec';
import type { Output } from '../cli/output';
import { ServicehostError } from '../errors';
import { checkElevationPlatform, requestElevated } from './elevate';

/**
 * The command line that gives `command` again, less the options named in
 * `drop`: each option as one `--name=value` token (so a value that starts
 * with a dash stays a value), the program's arguments after `--`.
 */
export function argvOf(command: ParsedCommand, drop: readonly string[]): string[] {
  const argv = [command.verb, ...command.positional];
  for (const [name, value] of Object.entries(command.options)) {
    if (drop.includes(name)) continue;
    if (typeof value === 'boolean') argv.push(value ? `--${name}` : `--no-${name}`);
    else if (Array.isArray(value)) for (const item of value) argv.push(`--${name}=${item}`);
    else argv.push(`--${name}=${value}`);
  }
  return command.rest.length > 0 ? [...argv, '--', ...command.rest] : argv;
}

/** Runs `command` elevated; `password` (an --account user's, already read here) crosses in the private file. */
export async function runCommandElevated(command: ParsedCommand, output: Output, password: string | undefined): Promise<number> {
  checkElevationPlatform();
  // Asked for in the elevated process, the password would wait on a console no one sees.
  if (password === undefined && namesUserAccount(command)) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `--elevate with --account ${String(command.options.account)}: give its password with --password-stdin or SERVICEHOST_ACCOUNT_PASSWORD, or type it when asked (on a terminal)`);
  }
  // --password-stdin was read here: the elevated process has no stdin of ours.
  const argv = argvOf(command, ['elevate', 'password-stdin', 'help']);
  const result = await requestElevated({ kind: 'cli', cwd: process.cwd(), argv, ...(password === undefined ? {} : { password }) });
  if (result.kind !== 'cli') throw new Error('unreachable: a command line was answered as a call');
  if (result.stderr !== '') output.err(result.stderr.replace(/\n$/u, ''));
  if (result.stdout !== '') output.out(result.stdout.replace(/\n$/u, ''));
  return result.exitCode;
}
