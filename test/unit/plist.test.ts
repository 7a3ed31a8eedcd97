import * as os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { launchdPlist } from '../../lib/manage/launchd/launchd-manager';
import { escapeXml, parsePlist, renderPlist, type PlistValue } from '../../lib/manage/launchd/plist';
import { expectGolden } from '../helpers/golden';
import { hostileStrings } from '../helpers/hostile-strings';
import { pinnedSpec } from '../helpers/specs';

describe('launchd plists', () => {
  test('golden: a daemon with every option', () => {
    const spec = pinnedSpec(
      {
        name: 'com.example.api',
        script: '/srv/api/server.js',
        args: ['--port', '8080', '<&>'],
        env: { NODE_ENV: 'production' },
        stopTimeoutMs: 20_000,
        launchd: { keepAlive: { successfulExit: true }, runAtLoad: false, userName: '_api', groupName: '_api', stdoutPath: '/var/log/api.out', stderrPath: '/var/log/api.err' },
      },
      'launchd',
    );
    expectGolden('com.example.api.plist', renderPlist(launchdPlist(spec, '0.0.0-test')));
  });

  test('defaults: restart after a failure, run at load, ExitTimeOut past the stop deadline', () => {
    const plist = launchdPlist(pinnedSpec({ name: 'api', script: '/srv/a.js' }, 'launchd'), '1');
    expect(plist).toMatchObject({ Label: 'api', RunAtLoad: true, KeepAlive: { SuccessfulExit: false }, ExitTimeOut: 35, WorkingDirectory: '/srv' });
    expect(plist.ProgramArguments).toEqual(['/usr/bin/node', '--require', '/usr/lib/node_modules/servicehost/dist/register.js', '/srv/a.js']);
  });

  test('defaults: stdout and stderr to one file, so their lines keep the order they were written in', () => {
    const daemon = launchdPlist(pinnedSpec({ name: 'api', script: '/srv/a.js' }, 'launchd'), '1');
    expect(daemon).toMatchObject({ StandardOutPath: '/Library/Logs/servicehost/api/output.log', StandardErrorPath: '/Library/Logs/servicehost/api/output.log' });
    const agent = launchdPlist(pinnedSpec({ name: 'api', script: '/srv/a.js', launchd: { user: true } }, 'launchd'), '1');
    expect(agent.StandardOutPath).toBe(path.join(os.homedir(), 'Library', 'Logs', 'servicehost', 'api', 'output.log'));
    expect(agent.StandardErrorPath).toBe(agent.StandardOutPath);
  });

  test('property: hostile strings round-trip through render and parse', () => {
    const strings = [...hostileStrings(1500, 17)];
    for (let i = 0; i + 5 <= strings.length; i += 5) {
      const value: { [key: string]: PlistValue } = {
        Label: strings[i]!,
        ProgramArguments: strings.slice(i + 1, i + 4),
        EnvironmentVariables: { [`K${strings[i + 4]!}`]: strings[i + 4]! },
        ExitTimeOut: i,
        RunAtLoad: i % 2 === 0,
      };
      expect(parsePlist(renderPlist(value))).toEqual(value);
    }
  });

  test('XML specials are escaped; \\r survives; what XML cannot carry is refused', () => {
    expect(escapeXml('<a & b>')).toBe('&lt;a &amp; b&gt;');
    expect(parsePlist(renderPlist({ s: 'cr\r\nlf' }))).toEqual({ s: 'cr\r\nlf' });
    for (const bad of ['nul\0', 'bell\x07', 'lone \ud800 surrogate', '\uffff']) {
      expect(() => renderPlist({ s: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
  });

  test('the reader refuses what is not a plist', () => {
    expect(() => parsePlist('<html></html>')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => parsePlist('<plist version="1.0"><dict><string>x</string></dict></plist>')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
