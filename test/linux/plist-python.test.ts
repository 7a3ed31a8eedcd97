// The plists servicehost writes, read by an independent parser: Python's
// plistlib, the same format launchd reads.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { launchdPlist } from '../../lib/manage/launchd/launchd-manager';
import { renderPlist, type PlistValue } from '../../lib/manage/launchd/plist';
import { hostileStrings } from '../helpers/hostile-strings';
import { pinnedSpec } from '../helpers/specs';

const READ_WITH_PLISTLIB = 'import json, plistlib, sys; print(json.dumps([plistlib.loads(doc.encode()) for doc in json.load(sys.stdin)]))';

function readWithPython(documents: string[]): PlistValue[] {
  return JSON.parse(execFileSync('python3', ['-c', READ_WITH_PLISTLIB], { input: JSON.stringify(documents), encoding: 'utf8' })) as PlistValue[];
}

describe('plists read by Python plistlib', () => {
  test('a launchd plist with every option parses to the same values', () => {
    const plist = launchdPlist(
      pinnedSpec({ name: 'com.example.api', script: '/srv/api/server.js', args: ['<&>', 'a "b"'], env: { A: 'x&y' }, launchd: { userName: '_api', keepAlive: true } }, 'launchd'),
      '1.2.3',
    );
    expect(readWithPython([renderPlist(plist)])).toEqual([plist]);
  });

  test('property: plists of hostile strings parse to the values written', () => {
    const strings = [...hostileStrings(300, 23)];
    const values: Array<{ [key: string]: PlistValue }> = [];
    for (let i = 0; i + 3 <= strings.length; i += 3) {
      values.push({ Label: strings[i]!, ProgramArguments: [strings[i + 1]!, strings[i + 2]!], ExitTimeOut: i, KeepAlive: { SuccessfulExit: i % 2 === 0 } });
    }
    expect(readWithPython(values.map((value) => renderPlist(value)))).toEqual(values);
  });
});
