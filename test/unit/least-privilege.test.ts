// The Windows walk of the least-privilege check, over an ACL lookup given as a
// table (the real lookup is native: test/windows and windows-latest).
import { describe, expect, test } from 'vitest';
import { windowsFindings } from '../../lib/manage/least-privilege';

describe('windowsFindings', () => {
  test('each run path and every folder above it is asked once; who may write is named', () => {
    const asked: string[] = [];
    const acl: Record<string, Array<{ who: string; why: string }>> = { 'C:\\Users\\dev\\app': [{ who: 'Users', why: 'may write' }] };
    const findings = windowsFindings(['C:\\Users\\dev\\app\\server.js', 'C:\\Users\\dev\\app'], (file) => {
      asked.push(file);
      return acl[file] ?? [];
    });
    expect(findings).toEqual([{ path: 'C:\\Users\\dev\\app', why: 'Users may write' }]);
    expect(asked).toEqual(['C:\\Users\\dev\\app\\server.js', 'C:\\Users\\dev\\app', 'C:\\Users\\dev', 'C:\\Users', 'C:\\']);
  });

  test('a path that cannot be read is left out', () => {
    expect(windowsFindings(['C:\\gone\\x.js'], () => {
      throw new Error('ERROR_FILE_NOT_FOUND');
    })).toEqual([]);
  });
});
