// The reader behind `servicehost logs` for captured files: order across
// rotations, --lines, --since, and a follow that goes across a rotation
// without losing or repeating a line. The file logic is platform-neutral, so
// it runs here against a temp folder, renamed as the Windows capture renames.
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LogCursor, capturedLogLayout, orderRotated, readFileLog, rotatedLogName, singleFileLayout } from '../../lib/manage/logs-files';
import { lineTime, parseSince } from '../../lib/manage/logs-since';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(path.join(tmpdir(), 'servicehost-logs-'));
  folders.push(made);
  return made;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

const numbered = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}\n`).join('');
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}`);

/** Three rotated files and the current one: lines 1-40 in order. */
function history(dir: string): void {
  writeFileSync(path.join(dir, 'output.20261205T100000000Z.log'), numbered(1, 10));
  // The same millisecond taken: "-2" sorts after the plain name although '-' < '.' in string order.
  writeFileSync(path.join(dir, 'output.20261205T100000000Z-2.log'), numbered(11, 20));
  writeFileSync(path.join(dir, 'output.20261205T110000000Z.log'), numbered(21, 30));
  writeFileSync(path.join(dir, 'output.log'), numbered(31, 40));
  writeFileSync(path.join(dir, 'notes.txt'), 'not a log\n');
}

describe('rotated names', () => {
  test('ordered by their time, then their -<n>; other names are not rotations', () => {
    const names = ['output.log', 'output.20261205T100000000Z-10.log', 'output.20261205T100000000Z-2.log', 'output.20261205T100000000Z.log', 'output.20261204T235959999Z.log', 'output.x.log', 'other.log'];
    expect(orderRotated(capturedLogLayout('.'), names)).toEqual([
      'output.20261204T235959999Z.log',
      'output.20261205T100000000Z.log',
      'output.20261205T100000000Z-2.log',
      'output.20261205T100000000Z-10.log',
    ]);
    expect(rotatedLogName('output.20261205T100000123Z.log')).toEqual({ rotatedAt: Date.UTC(2026, 11, 5, 10, 0, 0, 123), sequence: 0 });
    expect(rotatedLogName('output.log')).toBeUndefined();
  });
});

describe('reading captured files', () => {
  test('every line across rotations, oldest first; a missing folder is no lines', async () => {
    const dir = folder();
    history(dir);
    expect(await collect(readFileLog(capturedLogLayout(dir)))).toEqual(range(1, 40));
    expect(await collect(readFileLog(capturedLogLayout(path.join(dir, 'none'))))).toEqual([]);
  });

  test('--lines takes the last N across a file boundary; 0 takes none', async () => {
    const dir = folder();
    history(dir);
    expect(await collect(readFileLog(capturedLogLayout(dir), { lines: 13 }))).toEqual(range(28, 40));
    expect(await collect(readFileLog(capturedLogLayout(dir), { lines: 500 }))).toEqual(range(1, 40));
    expect(await collect(readFileLog(capturedLogLayout(dir), { lines: 0 }))).toEqual([]);
  });

  test('an unfinished last line is shown and counts as one of the N; CRLF endings lose their CR', async () => {
    const dir = folder();
    const big = 'x'.repeat(100) + '\n';
    writeFileSync(path.join(dir, 'output.log'), `${big.repeat(5000)}crlf\r\nlast words`);
    expect(await collect(readFileLog(capturedLogLayout(dir), { lines: 2 }))).toEqual(['crlf', 'last words']);
    expect(await collect(readFileLog(capturedLogLayout(dir), { lines: 1 }))).toEqual(['last words']);
  });

  test('--since skips files rotated before it, and stamped lines before it', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'output.20261205T100000000Z.log'), 'old, rotated at 10:00\n');
    writeFileSync(
      path.join(dir, 'output.log'),
      ['2026-12-05T10:30:00.000Z before', 'native line after a stamped one before', '2026-12-05T11:30:00.000Z after', 'native line after a stamped one after', ''].join('\n'),
    );
    const since = Date.UTC(2026, 11, 5, 11, 0);
    expect(await collect(readFileLog(capturedLogLayout(dir), { since }))).toEqual(['2026-12-05T11:30:00.000Z after', 'native line after a stamped one after']);
    expect(await collect(readFileLog(capturedLogLayout(dir), { since: Date.UTC(2026, 11, 5, 9, 0), lines: 2 }))).toEqual(['2026-12-05T11:30:00.000Z after', 'native line after a stamped one after']);
    // Unstamped lines with no stamp before them cannot be dated: they are kept.
    writeFileSync(path.join(dir, 'output.log'), 'plain\n');
    expect(await collect(readFileLog(capturedLogLayout(dir), { since }))).toEqual(['plain']);
  });
});

describe('following', () => {
  const fast = 20;

  async function follower(layoutDir: string, options: { lines?: number } = {}) {
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const line of readFileLog(capturedLogLayout(layoutDir), { follow: true, pollMs: fast, signal: controller.signal, ...options })) seen.push(line);
    })();
    const until = async (count: number): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (seen.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    return { seen, until, stop: async () => (controller.abort(), await done) };
  }

  test('new lines, then a rotation (rename, a write into the renamed file, a new current file): each line once, in order', async () => {
    const dir = folder();
    const current = path.join(dir, 'output.log');
    writeFileSync(current, numbered(1, 5));
    const follow = await follower(dir, { lines: 2 });
    await follow.until(2);
    appendFileSync(current, numbered(6, 8));
    await follow.until(5);
    // The writer renames, finishes a line through the old handle, then writes to the new file.
    appendFileSync(current, 'line 9 begins');
    renameSync(current, path.join(dir, 'output.20261205T120000000Z.log'));
    appendFileSync(path.join(dir, 'output.20261205T120000000Z.log'), ', ends\n');
    writeFileSync(current, numbered(10, 12));
    await follow.until(9);
    appendFileSync(current, numbered(13, 13));
    await follow.until(10);
    await follow.stop();
    expect(follow.seen).toEqual(['line 4', 'line 5', ...range(6, 8), 'line 9 begins, ends', ...range(10, 13)]);
  });

  test('two rotations between two polls, and a folder that did not exist when the follow began', async () => {
    const dir = path.join(folder(), 'logs');
    const follow = await follower(dir);
    await new Promise((resolve) => setTimeout(resolve, 3 * fast));
    await import('node:fs').then(({ mkdirSync }) => mkdirSync(dir));
    const current = path.join(dir, 'output.log');
    writeFileSync(current, numbered(1, 2));
    await follow.until(2);
    // Two rotations at once: the second rotated file and the new current file both follow the first.
    appendFileSync(current, numbered(3, 3));
    renameSync(current, path.join(dir, 'output.20261205T120000000Z.log'));
    writeFileSync(current, numbered(4, 5));
    renameSync(current, path.join(dir, 'output.20261205T120000000Z-2.log'));
    writeFileSync(current, numbered(6, 7));
    await follow.until(7);
    await follow.stop();
    expect(follow.seen).toEqual(range(1, 7));
  });

  test('a poll that lists the folder before a rotation and looks at the current file after it: the renamed file is not read twice', async () => {
    // Seen under a loaded Wine: a follow repeated a rotated file's lines. The
    // writer's rename fell between a poll's listing (no new name yet) and its
    // stat (no current file); the next poll took the new name for a file it
    // did not hold. Moving the file out of the folder and back under its
    // rotated name gives that poll exactly.
    const dir = folder();
    const aside = path.join(folder(), 'renamed-meanwhile.log');
    const current = path.join(dir, 'output.log');
    writeFileSync(current, numbered(1, 2));
    const cursor = await LogCursor.open(capturedLogLayout(dir));
    appendFileSync(current, numbered(3, 3));
    renameSync(current, aside);
    const seen = await cursor.read();
    renameSync(aside, path.join(dir, 'output.20261205T120000000Z.log'));
    writeFileSync(current, numbered(4, 5));
    for (let poll = 0; poll < 3; poll += 1) seen.push(...(await cursor.read()));
    appendFileSync(current, numbered(6, 6));
    seen.push(...(await cursor.read()));
    await cursor.close();
    expect(seen).toEqual(range(3, 6));
  });

  test('a file truncated in place is read again from its start', async () => {
    const dir = folder();
    const file = path.join(dir, 'out.log');
    writeFileSync(file, numbered(1, 3));
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const line of readFileLog(singleFileLayout(file), { follow: true, pollMs: fast, signal: controller.signal })) seen.push(line);
    })();
    while (seen.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    writeFileSync(file, numbered(4, 4));
    while (seen.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await done;
    expect(seen).toEqual(range(1, 4));
  });

  test('a cursor opened before a start reads only what the start wrote, to the end', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'output.log'), 'an earlier run\n');
    const cursor = await LogCursor.open(capturedLogLayout(dir));
    appendFileSync(path.join(dir, 'output.log'), 'Error: Cannot find module\n    at x');
    renameSync(path.join(dir, 'output.log'), path.join(dir, 'output.20261205T120000000Z.log'));
    writeFileSync(path.join(dir, 'output.log'), 'after\n');
    expect(await cursor.read(true)).toEqual(['Error: Cannot find module', '    at xafter']);
    await cursor.close();
  });
});

describe('a last look at a writer that cannot be watched to its end', () => {
  test('readUntilQuiet takes lines written after it began, until none came for its quiet time', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'output.log'), numbered(1, 1));
    const cursor = await LogCursor.open(capturedLogLayout(dir));
    // Written 300 ms in, as Node writes an uncaught error after the SCM has seen STOPPED.
    const late = setTimeout(() => appendFileSync(path.join(dir, 'output.log'), numbered(2, 3)), 300);
    const began = Date.now();
    const lines = await cursor.readUntilQuiet(600, 5_000);
    clearTimeout(late);
    await cursor.close();
    expect(lines).toEqual(range(2, 3));
    // Quiet for 600 ms after the last line: not before it.
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
  });

  test('readUntilQuiet ends at its limit while the writer goes on', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'output.log'), '');
    const cursor = await LogCursor.open(capturedLogLayout(dir));
    let next = 1;
    const writer = setInterval(() => appendFileSync(path.join(dir, 'output.log'), numbered(next, next++)), 20);
    const began = Date.now();
    const lines = await cursor.readUntilQuiet(500, 700);
    clearInterval(writer);
    await cursor.close();
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toEqual(range(1, lines.length));
  });
});

describe('--since', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  test.each([
    ['10m', now - 600_000],
    ['-2h', now - 7_200_000],
    ['1 day ago', now - 86_400_000],
    ['30 seconds ago', now - 30_000],
    ['now', now],
    ['@1764936000', 1_764_936_000_000],
    ['2026-12-05T11:00:00Z', Date.UTC(2026, 11, 5, 11)],
    ['2026-12-05T11:00:00.250+01:00', Date.UTC(2026, 11, 5, 10, 0, 0, 250)],
  ])('%s', (text, expected) => {
    expect(parseSince(text, now)).toBe(expected);
  });

  test('a date, and a date-time without a zone, are local time, as journalctl reads them', () => {
    expect(parseSince('2026-12-05', now)).toBe(new Date(2026, 11, 5).getTime());
    expect(parseSince('2026-12-05 14:30', now)).toBe(new Date(2026, 11, 5, 14, 30).getTime());
    expect(parseSince('today', now)).toBe(new Date(new Date(now).setHours(0, 0, 0, 0)).getTime());
    expect(parseSince(new Date(5), now)).toBe(5);
  });

  test.each(['', 'soon', '10 parsecs', '2026-13-45', '5m later'])('%j is refused, saying what is accepted', (text) => {
    expect(() => parseSince(text, now)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('10m') }));
  });

  test('a line stamp', () => {
    expect(lineTime('2026-12-05T11:00:00.123Z listening')).toBe(Date.UTC(2026, 11, 5, 11, 0, 0, 123));
    expect(lineTime('[2026-12-05T11:00:00Z] listening')).toBe(Date.UTC(2026, 11, 5, 11));
    expect(lineTime('listening at 2026-12-05T11:00:00Z')).toBeUndefined();
  });
});
