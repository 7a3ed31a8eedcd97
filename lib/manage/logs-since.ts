// `--since` for `servicehost logs`: one parser for every platform, so the
// same words mean the same moment whether the lines come from the journal or
// from captured files. Pure (the clock is a parameter), so it is unit-tested.
import { ServicehostError } from '../errors';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const UNIT_WORDS: Record<string, string> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', week: 'w', weeks: 'w',
};

function localMidnight(now: number, daysBack: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() - daysBack);
  return day.getTime();
}

/**
 * A moment, as ms since the epoch, from what `--since` accepts (as journalctl
 * does, in local time unless a zone is given): `2026-12-05`, `2026-12-05 14:30`,
 * `2026-12-05T14:30:00Z`, `@1764945000` (seconds since the epoch), `now`,
 * `today`, `yesterday`, and a span back from now: `10m`, `-2h`, `1 day ago`,
 * `30s` (s, m, h, d, w, or their words).
 */
export function parseSince(value: Date | number | string, now: number = Date.now()): number {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(String(value));
    return value.getTime();
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(String(value));
    return value;
  }
  const text = value.trim().toLowerCase();
  if (text === 'now') return now;
  if (text === 'today') return localMidnight(now, 0);
  if (text === 'yesterday') return localMidnight(now, 1);
  const epoch = /^@(\d+(?:\.\d+)?)$/u.exec(text);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  const span = /^-?\s*(\d+(?:\.\d+)?)\s*([a-z]+)(?:\s+ago)?$/u.exec(text);
  if (span) {
    const unit = UNIT_WORDS[span[2]!];
    if (unit !== undefined) return now - Number(span[1]) * UNIT_MS[unit]!;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(text);
  // Date.parse reads a bare date as UTC midnight; journalctl reads it as local.
  if (date) {
    const local = new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    // new Date() rolls 2026-13-45 over into 2027: a date that does not come back as written does not exist.
    if (local.getMonth() !== Number(date[2]) - 1 || local.getDate() !== Number(date[3])) throw invalid(value);
    return local.getTime();
  }
  const dateTime = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(z|[+-]\d{2}:?\d{2})?$/u.exec(text);
  if (dateTime) {
    // Without a zone, Date.parse reads a date-time as local time, as journalctl does.
    const iso = text.replace(' ', 'T').toUpperCase().replace(/\.(\d{3})\d+/u, '.$1');
    return checked(Date.parse(iso), value);
  }
  throw invalid(value);
}

function checked(ms: number, value: string): number {
  if (Number.isNaN(ms)) throw invalid(value);
  return ms;
}

function invalid(value: string): ServicehostError {
  return new ServicehostError(
    'ERR_INVALID_ARG_VALUE',
    `since: cannot read ${JSON.stringify(value)} as a time; give a date (2026-12-05, "2026-12-05 14:30", 2026-12-05T14:30:00Z), @<seconds since the epoch>, today, yesterday, or a span back from now (10m, 2h, "1 day ago")`,
  );
}

const STAMP = /^\[?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))\]?\s/u;

/** The time a line starts with (an ISO stamp, as --log-timestamps writes), in ms; undefined for an unstamped line. */
export function lineTime(line: string): number | undefined {
  const match = STAMP.exec(line);
  if (!match) return undefined;
  const ms = Date.parse(match[1]!.replace(/\.(\d{3})\d+/u, '.$1'));
  return Number.isNaN(ms) ? undefined : ms;
}
