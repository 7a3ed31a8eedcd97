// Builds Windows command lines (a service's ImagePath, a process's command
// line) that CommandLineToArgvW and the C runtime, which builds Node's
// process.argv, split back into exactly the strings given.
import { ServicehostError } from '../errors';

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

/**
 * Splits a command line the way CommandLineToArgvW does: the inverse of
 * windowsCommandLine, for reading an installed service's ImagePath back.
 */
export function parseWindowsCommandLine(commandLine: string): string[] {
  if (typeof commandLine !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'parseWindowsCommandLine(commandLine) must be given a string');
  }
  const argv: string[] = [];
  let index = 0;
  // The program: up to the closing quote, or to the first blank; no escapes.
  if (commandLine.startsWith('"')) {
    const end = commandLine.indexOf('"', 1);
    argv.push(commandLine.slice(1, end === -1 ? undefined : end));
    index = end === -1 ? commandLine.length : end + 1;
  } else {
    const end = commandLine.search(/[ \t]/u);
    argv.push(commandLine.slice(0, end === -1 ? undefined : end));
    index = end === -1 ? commandLine.length : end;
  }
  for (;;) {
    while (index < commandLine.length && /[ \t]/u.test(commandLine[index]!)) index += 1;
    if (index >= commandLine.length) return argv;
    let argument = '';
    let quoted = false;
    while (index < commandLine.length) {
      const character = commandLine[index]!;
      if (!quoted && /[ \t]/u.test(character)) break;
      if (character === '\\') {
        let backslashes = 0;
        while (commandLine[index] === '\\') {
          backslashes += 1;
          index += 1;
        }
        if (commandLine[index] === '"') {
          argument += '\\'.repeat(Math.floor(backslashes / 2));
          if (backslashes % 2 === 1) {
            argument += '"';
            index += 1;
          }
        } else {
          argument += '\\'.repeat(backslashes);
        }
        continue;
      }
      if (character === '"') {
        if (quoted && commandLine[index + 1] === '"') {
          argument += '"';
          index += 2;
          continue;
        }
        quoted = !quoted;
        index += 1;
        continue;
      }
      argument += character;
      index += 1;
    }
    argv.push(argument);
  }
}
