// The logger behind service.log. Each host picks the one that fits it
// (Host.defaultLogger): the Windows Event Log under the SCM, syslog-priority
// prefixes when stderr is systemd's journal, these plain stderr lines
// elsewhere. Any object with the four methods replaces it (pino, winston,
// console); servicehost itself calls them with one string.
import * as fs from 'node:fs';

/** The four levels of a {@link Logger}, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What `service.log` is, and what `logger` replaces it with: one method per level (pino, winston and console fit). */
export type Logger = Record<LogLevel, (message: string) => void>;

/** Writes to fd 2 at once (a service's last words must not wait in a stream buffer). */
export function writeStderr(text: string): void {
  try {
    fs.writeSync(2, text);
  } catch {
    // No stderr (a Windows service, a closed pipe): nowhere left to say it.
  }
}

/**
 * One message, one entry: C0 controls (but tab and newline) and DEL become
 * \xNN, so a message cannot forge a line of its own or smuggle a terminal
 * escape; a newline becomes `newline`, which each logger chooses.
 */
export function escapeControls(message: string, newline: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/gu, (character) =>
    character === '\n' ? newline : `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Plain lines on stderr, `<name> <level>: message`; a message's further lines are indented, so none reads as an entry of its own. */
export function stderrLogger(name: string): Logger {
  const prefix = escapeControls(name, ' ');
  const line = (level: LogLevel) => (message: string) => writeStderr(`${prefix} ${level}: ${escapeControls(message, '\n    ')}\n`);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
}

/** Checks a user's logger: four functions. */
export function isLogger(value: unknown): value is Logger {
  return (
    typeof value === 'object' &&
    value !== null &&
    LOG_LEVELS.every((level) => typeof (value as Record<string, unknown>)[level] === 'function')
  );
}
