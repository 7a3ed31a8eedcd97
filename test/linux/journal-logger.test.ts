// service.log under systemd's journal: `<N>` priority prefixes on stderr when
// JOURNAL_STREAM names stderr itself (device:inode); plain lines otherwise.
import { openSync, closeSync, readFileSync, fstatSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FixtureProcess } from './harness/child';
import { tempDir } from './helpers';

async function logThroughService(journalStream: (stat: { dev: number; ino: number }) => string | undefined): Promise<string> {
  const file = path.join(tempDir('journal'), 'stderr.log');
  const fd = openSync(file, 'w');
  const stat = fstatSync(fd);
  const stream = journalStream(stat);
  const child = new FixtureProcess('lifecycle-service.js', {
    fixture: { log: true },
    env: stream === undefined ? {} : { JOURNAL_STREAM: stream },
    stdio: ['pipe', 'pipe', fd],
  });
  closeSync(fd);
  await child.waitForEvent('logged');
  child.kill('SIGTERM');
  await child.exited;
  return readFileSync(file, 'utf8');
}

describe.runIf(process.platform !== 'win32')('service.log', () => {
  test('writes sd-daemon priority prefixes, one entry per message, when stderr is the journal stream', async () => {
    const text = await logThroughService(({ dev, ino }) => `${dev}:${ino}`);
    // 'half way' is the start progress text: with no status line under the posix host, it is logged.
    // One message, one journal entry: its newline is written as the two characters \n.
    expect(text).toBe('<6>half way\n<3>disk full\n<4>slow query\\nsecond line\n<6>ready\n<7>details\n');
  });

  test('writes plain lines when JOURNAL_STREAM names another stream, or is absent', async () => {
    const expected = 'lifecycle-service info: half way\nlifecycle-service error: disk full\nlifecycle-service warn: slow query\n    second line\nlifecycle-service info: ready\nlifecycle-service debug: details\n';
    expect(await logThroughService(({ dev, ino }) => `${dev}:${ino + 1}`)).toBe(expected);
    expect(await logThroughService(() => undefined)).toBe(expected);
  });
});
