import { describe, expect, test } from 'vitest';
import { escapeSystemdText, parseSystemdCommandLine, quoteSystemdWord, renderSystemdUnit } from '../../lib/manage/systemd/unit';
import { expectGolden } from '../helpers/golden';
import { hostileStrings } from '../helpers/hostile-strings';
import { pinnedSpec } from '../helpers/specs';

const context = { version: '0.0.0-test' };

describe('renderSystemdUnit: golden files', () => {
  test('the defaults', () => {
    expectGolden('api.service', renderSystemdUnit(pinnedSpec({ name: 'api', script: '/srv/api/server.js', args: ['--port', '8080'] }), context));
  });

  test('every option', () => {
    const spec = pinnedSpec({
      name: 'worker',
      description: 'Queue worker: 100% of jobs',
      script: '/srv/worker/main.mjs',
      args: ['--queue', 'jobs and more', 'price=$5', ';'],
      nodeArgs: ['--max-old-space-size=512'],
      workingDirectory: '/var/lib/worker',
      env: { NODE_ENV: 'production', GREETING: 'say "hi"\\n' },
      stopTimeoutMs: 12_500,
      systemd: {
        runAs: { user: 'worker', group: 'worker' },
        restart: 'always',
        restartSec: 3,
        watchdogSec: 20,
        type: 'notify-reload',
        hardening: { readWritePaths: ['/var/log/worker'] },
        wantedBy: 'default.target',
      },
    });
    expectGolden('worker.service', renderSystemdUnit(spec, context));
  });

  test('a user unit is wanted by default.target and has no User=', () => {
    const unit = renderSystemdUnit(pinnedSpec({ name: 'mine', script: '/home/me/app.js', systemd: { user: true, runAs: { user: 'root' } } }), context);
    expect(unit).toContain('WantedBy=default.target');
    expect(unit).not.toContain('User=');
  });

  test('TimeoutStopSec is the stop deadline rounded up plus 5 s', () => {
    expect(renderSystemdUnit(pinnedSpec({ name: 'a', script: '/a.js', stopTimeoutMs: 1 }), context)).toContain('TimeoutStopSec=6\n');
    expect(renderSystemdUnit(pinnedSpec({ name: 'a', script: '/a.js', stopTimeoutMs: 30_001 }), context)).toContain('TimeoutStopSec=36\n');
  });
});

describe('quoting and escaping', () => {
  test('property: every word round-trips through systemd\'s unquoting', () => {
    for (const word of hostileStrings(4000, 11)) {
      expect(parseSystemdCommandLine(quoteSystemdWord(word))).toEqual([word]);
    }
  });

  test('property: a whole command line splits back into its words', () => {
    const words = [...hostileStrings(600, 5)];
    for (let i = 0; i + 4 <= words.length; i += 4) {
      const line = words.slice(i, i + 4).map((word) => quoteSystemdWord(word)).join(' ');
      expect(parseSystemdCommandLine(line)).toEqual(words.slice(i, i + 4));
    }
  });

  test.each([
    ['plain', 'plain'],
    ['two words', '"two words"'],
    ['100%', '100%%'],
    ['$HOME', '$$HOME'],
    [';', '\\;'],
    ['', '""'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['bell\x07', '"bell\\x07"'],
  ])('%j → %s', (word, expected) => {
    expect(quoteSystemdWord(word)).toBe(expected);
  });

  test('Environment= keeps $ (not expanded there) and still escapes %', () => {
    expect(quoteSystemdWord('A=$B 100%', { dollar: false })).toBe('"A=$B 100%%"');
  });

  test('a value that would end or join a line is rejected with a typed error', () => {
    expect(() => escapeSystemdText('Description', 'two\nlines')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => escapeSystemdText('Description', 'ends with \\')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => quoteSystemdWord('nul\0')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  test.each([
    [{ description: 'line\nbreak' }, 'Description'],
    [{ workingDirectory: '/srv/two\nlines' }, 'WorkingDirectory'],
    [{ env: { 'BAD-NAME': 'x' } }, 'Environment'],
    [{ systemd: { runAs: { user: 'root; rm -rf /' } } }, 'User'],
    [{ systemd: { runAs: { group: 'a b' } } }, 'Group'],
    [{ systemd: { wantedBy: 'multi-user.target\nExecStartPre=/bin/evil' } }, 'WantedBy'],
    [{ systemd: { hardening: { readWritePaths: ['relative'] } } }, 'ReadWritePaths'],
  ])('%j is refused (%s)', (extra, setting) => {
    const spec = pinnedSpec({ name: 'a', script: '/a.js', ...(extra as object) });
    expect(() => renderSystemdUnit(spec, context)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining(setting) }));
  });
});
