// Builds Windows command lines (a service's ImagePath, a process's command
// line) that CommandLineToArgvW and the C runtime, which builds Node's
// process.argv, split back into exactly the strings given.
import { ServicehostError } from './errors';

function rejectNul(where: string, value: string): void {
  if (value.includes('\0')) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where} must not contain a NUL character`);
  }
}

/** Quotes one argument (not the program) by CommandLineToArgvW's rules. */
export function quoteWindowsArgument(argument: string): string {
  if (typeof argument !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'quoteWindowsArgument(argument) must be given a string');
  }
  rejectNul('quoteWindowsArgument(argument)', argument);
  if (argument !== '' && !/[\s"]/u.test(argument)) return argument;
  let quoted = '"';
  let backslashes = 0;
  for (const character of argument) {
    if (character === '\\') {
      backslashes += 1;
      continue;
    }
    // Backslashes double only where a quote follows them.
    quoted += character === '"' ? '\\'.repeat(backslashes * 2 + 1) + '"' : '\\'.repeat(backslashes) + character;
    backslashes = 0;
  }
  return `${quoted}${'\\'.repeat(backslashes * 2)}"`;
}

/**
 * The program comes first and follows other rules: everything up to the next
 * quote, no escapes. So it is always quoted, and may not contain a quote
 * (no Windows path can).
 */
export function windowsCommandLine(program: string, args: readonly string[] = []): string {
  if (typeof program !== 'string' || program === '') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'windowsCommandLine(program) must be a non-empty string');
  }
  rejectNul('windowsCommandLine(program)', program);
  if (program.includes('"')) {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `windowsCommandLine(program) must not contain a quote: ${program}`);
  }
  if (!Array.isArray(args)) {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'windowsCommandLine(program, args): args must be an array of strings');
  }
  return [`"${program}"`, ...args.map((argument) => quoteWindowsArgument(argument))].join(' ');
}
