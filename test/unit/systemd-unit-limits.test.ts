// Issue 21, the unit round trip: each value systemd would read differently
// (trimmed, dropped, or a unit that fails to load) is refused with a typed
// error before anything is written. The linux ring (systemd-parse.test.ts)
// shows systemd's own parser doing each of those things, and reading back
// exactly what servicehost writes for the values it accepts.
import { describe, expect, test } from 'vitest';
import { installSpecOf } from '../../lib/cli/install-spec';
import { parseCommandLine } from '../../lib/cli/args';
import { VERBS } from '../../lib/cli/verbs';
import { resolveSpec } from '../../lib/manage/spec';
import type { InstallSpec } from '../../lib/manage/spec-types';
import { LONG_LINE_MAX, renderSystemdUnit } from '../../lib/manage/systemd/unit';

const context = { version: '0.0.0-test' };
const base: InstallSpec = { node: '/usr/bin/node', name: 'limits', script: '/srv/app/server.js', workingDirectory: '/srv/app' };
const render = (spec: Partial<InstallSpec>) => renderSystemdUnit(resolveSpec({ ...base, ...spec }, 'systemd'), context);
const refused = (message: RegExp) => expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(message) });

describe('values systemd would not read back as written are refused', () => {
  test.each([
    ['a WorkingDirectory with a trailing space', { workingDirectory: '/srv/app ' }, /WorkingDirectory=.*begins or ends with a space/u],
    ['a padded Description', { description: ' My API ' }, /Description=.*space/u],
    ['a Description ending in a space', { description: 'My API ' }, /Description=.*space/u],
    ['a node path with $ (run as written, argv[0] expanded)', { node: '/opt/a$HOME/node' }, /ExecStart=.*'\$'/u],
    ['a node path with "', { node: '/opt/a"b/node' }, /ExecStart=.*quote/u],
    ["a node path with '", { node: "/opt/a'b/node" }, /ExecStart=.*quote/u],
    ['a node path with \\', { node: '/opt/a\\b/node' }, /ExecStart=.*backslash/u],
    ['a node path with a name over 255 bytes', { node: `/opt/${'n'.repeat(256)}/node` }, /ExecStart=.*255/u],
    ['User=4294967295', { systemd: { runAs: { user: '4294967295' } } }, /User=.*4294967294/u],
    ['User=65535', { systemd: { runAs: { user: '65535' } } }, /User=.*65535/u],
    ['Group=99999999999', { systemd: { runAs: { group: '99999999999' } } }, /Group=/u],
    ['User=-1', { systemd: { runAs: { user: '-1' } } }, /User=/u],
    ['User=007 (not read back as written)', { systemd: { runAs: { user: '007' } } }, /User=/u],
    ['User=x:y', { systemd: { runAs: { user: 'x:y' } } }, /User=/u],
    ['a ReadWritePaths entry of 4096 bytes', { systemd: { hardening: { readWritePaths: [`/${'a/'.repeat(2047)}b`] } } }, /ReadWritePaths=.*4095/u],
    ['a ReadWritePaths entry with a 256-byte name', { systemd: { hardening: { readWritePaths: [`/var/${'a'.repeat(256)}`] } } }, /ReadWritePaths=.*255/u],
    ['a WorkingDirectory of 4096 bytes', { workingDirectory: `/${'a/'.repeat(2047)}b` }, /WorkingDirectory=.*4095/u],
    ['a lone surrogate in an argument', { args: ['\ud800'] }, /surrogate/u],
    ['a lone surrogate in the Description', { description: 'a \udc00 b' }, /Description=.*surrogate/u],
    ['a lone surrogate in an environment value', { env: { A: 'x\ud83d' } }, /surrogate/u],
    ['a lone surrogate in the WorkingDirectory', { workingDirectory: '/srv/\ud800' }, /WorkingDirectory=.*surrogate/u],
    ['an env key that is no variable name', { env: { 'A-B': '1' } }, /not a valid variable name/u],
    ['a line of LONG_LINE_MAX bytes', { args: ['x'.repeat(LONG_LINE_MAX)] }, /ExecStart=.*1048575/u],
    ['an Environment line of LONG_LINE_MAX bytes', { env: { BIG: 'é'.repeat(LONG_LINE_MAX / 2) } }, /Environment=.*1048575/u],
  ] as [string, Partial<InstallSpec>, RegExp][])('%s', (_what, spec, message) => {
    expect(() => render(spec)).toThrow(refused(message));
  });

  test('an env key __proto__ is refused by the spec (an assignment would drop it)', () => {
    expect(() => resolveSpec({ ...base, env: JSON.parse('{"__proto__":"x"}') as Record<string, string> }, 'systemd')).toThrow(refused(/__proto__/u));
  });

  test('the command line: --run-as x:y:z and --env __proto__=x are refused, not cut down or dropped', () => {
    const parse = (argv: string[]) => installSpecOf(parseCommandLine(argv, (verb) => VERBS[verb]?.options), undefined);
    expect(() => parse(['install', '--name', 'a', '--run-as', 'x:y:z', '--', 'a.js'])).toThrow(refused(/--run-as/u));
    expect(() => parse(['install', '--name', 'a', '--env', '__proto__=x', '--', 'a.js'])).toThrow(refused(/__proto__/u));
    expect(parse(['install', '--name', 'a', '--run-as', 'x:y', '--', 'a.js']).systemd).toMatchObject({ runAs: { user: 'x', group: 'y' } });
  });

  test('the limits themselves are accepted: 4095-byte paths, 255-byte names, uid 4294967294, a line of LONG_LINE_MAX - 1 bytes, inner spaces', () => {
    const unit = render({
      workingDirectory: '/srv/my app',
      description: 'My  API',
      systemd: { runAs: { user: '4294967294', group: '0' }, hardening: { readWritePaths: [`/${'a/'.repeat(2046)}bc`, `/var/${'a'.repeat(255)}`] } },
    });
    expect(unit).toContain('User=4294967294\n');
    expect(unit).toContain('WorkingDirectory=/srv/my app\n');
    const fixed = Buffer.byteLength(render({ args: [] }).split('\n').find((line) => line.startsWith('ExecStart='))!);
    // The arguments add ' x...x' (a plain word, unquoted): fill the line to one byte below the limit.
    const longest = render({ args: ['x'.repeat(LONG_LINE_MAX - 1 - fixed - 1)] });
    expect(Math.max(...longest.split('\n').map((line) => Buffer.byteLength(line)))).toBe(LONG_LINE_MAX - 1);
  });
});
