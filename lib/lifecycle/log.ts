// The loggers behind service.log. Each host picks the one that fits it
// (Host.defaultLogger): the Windows Event Log under the SCM, syslog-priority
// prefixes when stderr is systemd's journal, plain stderr elsewhere. Any object with these four methods replaces it (pino,
// winston, console); servicehost itself calls them with one string.
import * as fs from 'node:fs';
import { EventLogWriter } from '../windows/event-log';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

type Level = keyof Logger;
// sd-daemon(3) priorities.
const JOURNAL_PRIORITY: Record<Level, number> = { error: 3, warn: 4, info: 6, debug: 7 };

function writeStderr(text: string): void {
  try {
    fs.writeSync(2, text);
  } catch {
    // No stderr (a Windows service, a closed pipe): nowhere left to say it.
  }
}

/** Plain lines on stderr: `<name> <level>: message`. */
export function stderrLogger(name: string): Logger {
  const line = (level: Level) => (message: string) => writeStderr(`${name} ${level}: ${message}\n`);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
}

/** `<N>` priority prefixes the journal reads from a service's stderr, one per line. */
export function journalLogger(): Logger {
  const line = (level: Level) => (message: string) =>
    writeStderr(
      message
        .split('\n')
        .map((part) => `<${JOURNAL_PRIORITY[level]}>${part}\n`)
        .join(''),
    );
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
}

/** The Windows Event Log under `source`; debug entries are dropped, as Event Viewer is not a trace. */
export function eventLogLogger(source: () => string, fallback: Logger): Logger {
  let writer: EventLogWriter | undefined;
  const write = (level: 'error' | 'warn' | 'info') => (message: string) => {
    try {
      writer ??= new EventLogWriter(source());
      writer[level](message);
    } catch {
      fallback[level](message);
    }
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: () => {} };
}

/** Whether stderr is the journal stream systemd named in JOURNAL_STREAM (device:inode). */
export function stderrIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  const [device, inode] = stream.split(':');
  try {
    const stat = fs.fstatSync(2, { bigint: true });
    return String(stat.dev) === device && String(stat.ino) === inode;
  } catch {
    return false;
  }
}

/** Checks a user's logger: four functions. */
export function isLogger(value: unknown): value is Logger {
  return (
    typeof value === 'object' &&
    value !== null &&
    (['error', 'warn', 'info', 'debug'] as const).every((level) => typeof (value as Record<string, unknown>)[level] === 'function')
  );
}
