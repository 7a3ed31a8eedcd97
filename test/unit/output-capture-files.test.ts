// The pure parts of Windows output capture (issue 20): sizes as people write
// them, the SERVICEHOST_LOG_* contract between install and the register
// preload, rotated names and their order, and the options from the command
// line and spec to the service's environment. The capture itself is proven in
// the Windows ring (test/windows/output-capture.test.ts).
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../lib/cli/args';
import { installSpecOf } from '../../lib/cli/install-spec';
import { VERBS } from '../../lib/cli/verbs';
import { capturedLogLayout, orderRotated } from '../../lib/manage/logs-files';
import { logCaptureOf, resolveSpec } from '../../lib/manage/spec';
import { environmentEntries } from '../../lib/manage/windows/service-config';
import {
  DEFAULT_LOG_KEEP,
  DEFAULT_LOG_MAX_SIZE,
  captureVariables,
  nameForRotation,
  nextUtcMidnight,
  parseLogSize,
  readCaptureSettings,
  rotatedLogsBeyond,
} from '../../lib/windows/output-capture-files';

const parse = (argv: string[]) => parseCommandLine(argv, (verb) => VERBS[verb]?.options);

describe('log sizes', () => {
  test.each([
    ['4096', 4096],
    ['512K', 512 * 1024],
    ['512k', 512 * 1024],
    ['10M', 10 * 1024 ** 2],
    ['10MB', 10 * 1024 ** 2],
    ['10MiB', 10 * 1024 ** 2],
    [' 1G ', 1024 ** 3],
  ])('%j is %d bytes', (text, bytes) => expect(parseLogSize(text)).toBe(bytes));

  test.each(['', 'M', '10 apples', '-1', '1.5M', '10T', '99999999999999999999'])('%j is no size', (text) => expect(parseLogSize(text)).toBeUndefined());
});

describe('rotated names', () => {
  const at = new Date(Date.UTC(2026, 11, 5, 23, 4, 5, 67));

  test('output.<UTC yyyymmddTHHMMSSmmmZ>.log, then -1, -2 when taken', () => {
    expect(nameForRotation(at, () => false)).toBe('output.20261205T230405067Z.log');
    expect(nameForRotation(at, (name) => name === 'output.20261205T230405067Z.log')).toBe('output.20261205T230405067Z-1.log');
    const taken = new Set(['output.20261205T230405067Z.log', 'output.20261205T230405067Z-1.log']);
    expect(nameForRotation(at, (name) => taken.has(name))).toBe('output.20261205T230405067Z-2.log');
  });

  test('the order logs reads them in is the order they were made, -<n> after the plain name and by number', () => {
    const made: string[] = [];
    const times = [at, new Date(at.getTime() + 1), new Date(at.getTime() + 1), ...Array.from({ length: 10 }, () => new Date(at.getTime() + 2))];
    for (const time of times) made.push(nameForRotation(time, (name) => made.includes(name)));
    const shuffled = [...made].reverse().concat('output.log', 'notes.txt');
    expect(orderRotated(capturedLogLayout(''), shuffled)).toEqual(made);
  });

  test('keep: the oldest go, other files are left alone', () => {
    const names = ['output.20261205T000000002Z.log', 'output.log', 'output.20261205T000000001Z.log', 'output.20261205T000000001Z-1.log', 'README.txt'];
    expect(rotatedLogsBeyond(names, 1)).toEqual(['output.20261205T000000001Z.log', 'output.20261205T000000001Z-1.log']);
    expect(rotatedLogsBeyond(names, 0)).toHaveLength(3);
    expect(rotatedLogsBeyond(names, 10)).toEqual([]);
  });

  test('daily rotation is due at the next UTC midnight', () => {
    expect(nextUtcMidnight(at.getTime())).toBe(Date.UTC(2026, 11, 6));
    expect(nextUtcMidnight(Date.UTC(2026, 11, 6))).toBe(Date.UTC(2026, 11, 7));
  });
});

describe('the SERVICEHOST_LOG_* contract', () => {
  test('what install writes, the preload reads back', () => {
    const settings = { dir: 'C:\\logs\\api', maxSize: 65_536, keep: 3, daily: true, timestamps: true };
    expect(captureVariables(settings)).toEqual({
      SERVICEHOST_LOG_DIR: 'C:\\logs\\api',
      SERVICEHOST_LOG_MAX_SIZE: '65536',
      SERVICEHOST_LOG_KEEP: '3',
      SERVICEHOST_LOG_DAILY: '1',
      SERVICEHOST_LOG_TIMESTAMPS: '1',
    });
    expect(readCaptureSettings(captureVariables(settings))).toEqual({ settings, problems: [] });
    expect(captureVariables({ ...settings, daily: false, timestamps: false })).not.toHaveProperty('SERVICEHOST_LOG_DAILY');
  });

  test('no folder, no capture; unreadable values fall back to their defaults and are named', () => {
    expect(readCaptureSettings({})).toBeUndefined();
    expect(readCaptureSettings({ SERVICEHOST_LOG_DIR: '' })).toBeUndefined();
    const read = readCaptureSettings({ SERVICEHOST_LOG_DIR: 'C:\\l', SERVICEHOST_LOG_MAX_SIZE: '10M', SERVICEHOST_LOG_KEEP: '-1' });
    expect(read?.settings).toEqual({ dir: 'C:\\l', maxSize: DEFAULT_LOG_MAX_SIZE, keep: DEFAULT_LOG_KEEP, daily: false, timestamps: false });
    expect(read?.problems).toEqual([expect.stringContaining('SERVICEHOST_LOG_MAX_SIZE="10M"'), expect.stringContaining('SERVICEHOST_LOG_KEEP="-1"')]);
  });
});

describe('the options, from the command line to the service environment', () => {
  test('--log-* become windows.log* and SERVICEHOST_LOG_* entries', () => {
    const spec = installSpecOf(parse(['install', '--name', 'api', '--log-dir', 'C:\\logs', '--log-max-size', '64K', '--log-keep', '3', '--log-daily', '--log-timestamps', '--', 'a.js']));
    expect(spec.windows).toEqual({ logDir: 'C:\\logs', logMaxSize: 65_536, logKeep: 3, logDaily: true, logTimestamps: true });
    const entries = environmentEntries(resolveSpec(spec, 'windows'));
    expect(entries).toEqual(expect.arrayContaining(['SERVICEHOST_LOG_MAX_SIZE=65536', 'SERVICEHOST_LOG_KEEP=3', 'SERVICEHOST_LOG_DAILY=1', 'SERVICEHOST_LOG_TIMESTAMPS=1']));
    expect(entries.some((entry) => entry.startsWith('SERVICEHOST_LOG_DIR='))).toBe(true);
  });

  test('capture is on by default, under %ProgramData%; --no-log-capture and --no-register turn it off', () => {
    const resolved = resolveSpec(installSpecOf(parse(['install', '--name', 'api', '--', 'a.js'])), 'windows');
    expect(logCaptureOf(resolved, 'D:\\default')).toEqual({ dir: 'D:\\default', maxSize: DEFAULT_LOG_MAX_SIZE, keep: DEFAULT_LOG_KEEP, daily: false, timestamps: false });
    for (const option of ['--no-log-capture', '--no-register']) {
      const spec = resolveSpec(installSpecOf(parse(['install', '--name', 'api', option, '--', 'a.js'])), 'windows');
      expect(logCaptureOf(spec, 'D:\\default')).toBeUndefined();
      expect(environmentEntries(spec).some((entry) => entry.startsWith('SERVICEHOST_LOG_'))).toBe(false);
    }
  });

  test('bad values are refused at the edge, with typed errors', () => {
    expect(() => installSpecOf(parse(['install', '--name', 'api', '--log-max-size', '10 apples', '--', 'a.js']))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    const spec = (windows: Record<string, unknown>) => ({ name: 'api', script: 'a.js', windows });
    expect(() => resolveSpec(spec({ logMaxSize: 100 }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => resolveSpec(spec({ logMaxSize: '10M' }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => resolveSpec(spec({ logKeep: -1 }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => resolveSpec(spec({ logDir: '' }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => resolveSpec(spec({ logDaily: 'yes' }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => resolveSpec(spec({ logCapture: false, logKeep: 3 }), 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => resolveSpec({ ...spec({ logCapture: true }), register: false }, 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
