import { describe, expect, test } from 'vitest';
import { quoteWindowsArgument, windowsCommandLine } from '../../lib/windows-command-line';

// A reference splitter with CommandLineToArgvW's rules (and the C runtime's,
// which builds Node's process.argv on Windows): the program up to the next
// quote; then whitespace-separated arguments where 2n backslashes + quote give
// n backslashes and toggle quoting, 2n+1 give n backslashes and a quote.
function commandLineToArgv(commandLine: string): string[] {
  let i = 0;
  let program = '';
  if (commandLine[0] === '"') {
    const end = commandLine.indexOf('"', 1);
    program = commandLine.slice(1, end === -1 ? undefined : end);
    i = end === -1 ? commandLine.length : end + 1;
  } else {
    while (i < commandLine.length && commandLine[i] !== ' ' && commandLine[i] !== '\t') program += commandLine[i++];
  }
  const argv = [program];
  for (;;) {
    while (commandLine[i] === ' ' || commandLine[i] === '\t') i++;
    if (i >= commandLine.length) return argv;
    let current = '';
    let quoted = false;
    while (i < commandLine.length && (quoted || (commandLine[i] !== ' ' && commandLine[i] !== '\t'))) {
      const character = commandLine[i]!;
      if (character === '\\') {
        let count = 0;
        while (commandLine[i] === '\\') {
          count++;
          i++;
        }
        if (commandLine[i] === '"') {
          current += '\\'.repeat(count >> 1);
          if (count % 2 === 1) {
            current += '"';
            i++;
          }
        } else {
          current += '\\'.repeat(count);
        }
      } else if (character === '"') {
        if (quoted && commandLine[i + 1] === '"') {
          current += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        current += character;
        i++;
      }
    }
    argv.push(current);
  }
}

// A small deterministic generator: the same hostile strings on every run.
function* hostileStrings(count: number, seed: number): Generator<string> {
  const alphabet = ['a', 'Z', '0', ' ', '  ', '\t', '"', '""', '\\', '\\\\', '\\"', '%', '^', '&', '|', '<', '>', '\'', 'é', 'ß', '中', '😀', '\n', '-', '='];
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let n = 0; n < count; n++) {
    const length = next() % 12;
    let text = '';
    for (let k = 0; k < length; k++) text += alphabet[next() % alphabet.length];
    yield text;
  }
}

describe('quoteWindowsArgument', () => {
  test.each([
    ['plain', 'plain'],
    ['', '""'],
    ['two words', '"two words"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['C:\\no\\spaces\\', 'C:\\no\\spaces\\'],
    ['back\\\\"quote', '"back\\\\\\\\\\"quote"'],
  ])('%j → %s', (input, expected) => {
    expect(quoteWindowsArgument(input)).toBe(expected);
    expect(commandLineToArgv(`"p" ${expected}`)).toEqual(['p', input]);
  });

  test('property: every argument list round-trips through CommandLineToArgvW rules', () => {
    const strings = [...hostileStrings(3000, 7)];
    for (let i = 0; i + 3 <= strings.length; i += 3) {
      const args = strings.slice(i, i + 3);
      const line = windowsCommandLine('C:\\Program Files\\nodejs\\node.exe', args);
      expect(commandLineToArgv(line)).toEqual(['C:\\Program Files\\nodejs\\node.exe', ...args]);
    }
  });

  test('rejects what no command line can carry, with typed errors', () => {
    expect(() => quoteWindowsArgument('a\0b')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => quoteWindowsArgument(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => windowsCommandLine('C:\\a"b.exe')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => windowsCommandLine('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => windowsCommandLine('x.exe', 'a b' as unknown as string[])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  test('the program is always quoted, so a path with spaces is one argument', () => {
    expect(windowsCommandLine('C:\\Program Files\\app.exe', ['x'])).toBe('"C:\\Program Files\\app.exe" x');
    expect(commandLineToArgv(windowsCommandLine('C:\\dir\\', ['a b']))).toEqual(['C:\\dir\\', 'a b']);
  });
});
