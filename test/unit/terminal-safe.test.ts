import { describe, expect, test } from 'vitest';
import { terminalSafe, terminalSafeValues } from '../../lib/cli/terminal-safe';

describe('terminalSafe', () => {
  test('C0 (tab and CR included), DEL, C1 and the bidi and line-separator controls are escaped; printable text is not', () => {
    expect(terminalSafe('\u001b[2Jok\r\t\u0000\u007f\u0085\u009b')).toBe('\\x1b[2Jok\\x0d\\x09\\x00\\x7f\\x85\\x9b');
    expect(terminalSafe('a\u202eb\u2066c\u2069d\u200fe\u061cf\u2028g')).toBe('a\\u202eb\\u2066c\\u2069d\\u200fe\\u061cf\\u2028g');
    expect(terminalSafe('café ✓ 日本 \\x1b')).toBe('café ✓ 日本 \\x1b');
  });

  test('a newline is a line break in a whole text, and escaped in one value', () => {
    expect(terminalSafe('one\ntwo\u001b', true)).toBe('one\ntwo\\x1b');
    expect(terminalSafe('one\ntwo')).toBe('one\\x0atwo');
  });

  test('terminalSafeValues escapes every string of an object, deep, and leaves the rest', () => {
    expect(terminalSafeValues({ a: 'x\u001b', n: 1, list: ['\n'], nested: { b: '\u009b' }, none: undefined })).toEqual({ a: 'x\\x1b', n: 1, list: ['\\x0a'], nested: { b: '\\x9b' }, none: undefined });
  });
});
