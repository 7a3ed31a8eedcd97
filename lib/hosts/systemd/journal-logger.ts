// service.log under systemd's journal: stderr lines with sd-daemon(3) `<N>`
// priority prefixes, used when stderr is the journal stream systemd named.
import * as fs from 'node:fs';
import { escapeControls, writeStderr, type LogLevel, type Logger } from '../../lifecycle/log';

const JOURNAL_PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

/**
 * One journal entry per message. journald ends an entry at a newline or a
 * NUL and reads `<N>` at every line start, so a message's newlines are
 * written as the two characters `\n` and every other control as \xNN.
 */
export function journalLogger(): Logger {
  const line = (level: LogLevel) => (message: string) => writeStderr(`<${JOURNAL_PRIORITY[level]}>${escapeControls(message, '\\n')}\n`);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
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
