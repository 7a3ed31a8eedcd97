// `servicehost logs` under systemd: the exact journalctl argument arrays
// (each value joined to its option, so no unit name can be read as one).
import { describe, expect, test } from 'vitest';
import { journalctlArgs } from '../../lib/manage/systemd/journal';

describe('journalctl arguments', () => {
  test('a system unit, everything there is', () => {
    expect(journalctlArgs({ unit: 'api.service' })).toEqual(['--unit=api.service', '--no-pager', '--output=cat']);
  });

  test('a user unit, the last 20 lines since a moment, followed', () => {
    const since = Date.UTC(2026, 11, 5, 12, 0, 0, 999);
    expect(journalctlArgs({ unit: 'api.service', user: true, lines: 20, since, follow: true })).toEqual([
      '--user-unit=api.service',
      '--no-pager',
      '--output=cat',
      '--lines=20',
      // whole seconds, rounded down: nothing of the first second is missed
      `--since=@${Math.floor(since / 1000)}`,
      '--follow',
    ]);
  });

  test('an offline root, by absolute path; --lines 0 is passed as given', () => {
    expect(journalctlArgs({ unit: 'api.service', root: '/srv/image', lines: 0 })).toEqual(['--root=/srv/image', '--unit=api.service', '--no-pager', '--output=cat', '--lines=0']);
  });
});
