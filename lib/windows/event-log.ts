// Windows Event Log entries under a service's own event source (ReportEventW).
// servicehost/manage registers the service's name as a source at install time,
// with EventCreate.exe as its message file: its events 1 to 1000 show the text
// as written, hence the default event id 1. An unregistered source still logs,
// but Event Viewer then prefixes the text with a "description not found" note.
import { ServicehostError } from '../errors';
import type { Logger } from '../lifecycle/log';
import { windowsNative } from '../native/load';
import { EVENT_LOG_TYPES } from './codes';

/**
 * Writes Windows Event Log entries (ReportEventW) under one event source, such as the service's name, which install registers.
 * The constructor throws ERR_SERVICEHOST_UNSUPPORTED_PLATFORM off Windows.
 */
export class EventLogWriter {
  /** The event source the entries appear under. */
  readonly source: string;

  constructor(source: string) {
    if (typeof source !== 'string' || source === '' || source.includes('\0')) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', 'new EventLogWriter(source): source must be a non-empty string without NUL');
    }
    if (process.platform !== 'win32') {
      throw new ServicehostError('ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', 'The Windows Event Log is only available on Windows.');
    }
    this.source = source;
  }

  /** An information entry. `eventId` 0 to 65535; default 1, which Event Viewer shows as written. */
  info(message: string, eventId = 1): void {
    this.#write(EVENT_LOG_TYPES.information, message, eventId);
  }

  /** A warning entry, as {@link EventLogWriter.info}. */
  warn(message: string, eventId = 1): void {
    this.#write(EVENT_LOG_TYPES.warning, message, eventId);
  }

  /** An error entry, as {@link EventLogWriter.info}. */
  error(message: string, eventId = 1): void {
    this.#write(EVENT_LOG_TYPES.error, message, eventId);
  }

  #write(type: (typeof EVENT_LOG_TYPES)[keyof typeof EVENT_LOG_TYPES], message: string, eventId: number): void {
    if (typeof message !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'EventLogWriter: message must be a string');
    if (!Number.isInteger(eventId) || eventId < 0 || eventId > 0xffff) {
      throw new ServicehostError('ERR_OUT_OF_RANGE', 'EventLogWriter: eventId must be an integer from 0 to 65535');
    }
    windowsNative().writeEventLog({ source: this.source, type, eventId, message });
  }
}

/** service.log under the SCM: the Event Log under `source`; debug entries are dropped, as Event Viewer is not a trace. */
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
