import { describe, expect, test } from 'vitest';
import { parseWindowsCommandLine as commandLineToArgv, quoteWindowsArgument, windowsCommandLine } from '../../lib/windows/command-line';
import { hostileStrings } from '../helpers/hostile-strings';

// windowsCommandLine's inverse, parseWindowsCommandLine, follows CommandLineToArgvW;
// test/windows/manage.test.ts checks both against the argv a real service receives.


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

describe('parseWindowsCommandLine', () => {
  test.each([
    ['"C:\\Program Files\\node.exe" a "b c"', ['C:\\Program Files\\node.exe', 'a', 'b c']],
    ['node.exe  a\\\\"b c"', ['node.exe', 'a\\b c']],
    ['"p" "a""b"', ['p', 'a"b']],
    ['"p" a\\\\\\"b', ['p', 'a\\"b']],
    ['"p"', ['p']],
  ])('%s', (line, expected) => {
    expect(commandLineToArgv(line)).toEqual(expected);
  });

  test('rejects a non-string with a typed error', () => {
    expect(() => commandLineToArgv(1 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
