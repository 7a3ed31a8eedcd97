// A host for pure-logic tests of the lifecycle: it records what the Service
// tells it and lets the test deliver host events. The real hosts have tests of
// their own against real signals, sockets and the SCM.
import type { ExitInfo, Host, HostContext, HostEvent, HostEventType, HostKind, HostStatus } from '../../../lib/hosts/host';

export class RecordingHost implements Host {
  readonly kind: HostKind = 'posix';
  readonly reports: HostStatus[] = [];
  readonly texts: string[] = [];
  readonly closes: ExitInfo[] = [];
  listened = new Set<HostEventType>();
  context: HostContext | undefined;
  #deliver: ((event: HostEvent) => void) | undefined;

  open(deliver: (event: HostEvent) => void, context: HostContext): void {
    this.#deliver = deliver;
    this.context = context;
  }

  listen(types: ReadonlySet<HostEventType>): void {
    this.listened = new Set(types);
  }

  report(status: HostStatus): void {
    this.reports.push({ ...status });
  }

  statusText(message: string): boolean {
    this.texts.push(message);
    return true;
  }

  close(exit: ExitInfo): Promise<void> {
    this.closes.push({ ...exit });
    return Promise.resolve();
  }

  deliver(event: HostEvent): void {
    if (!this.#deliver) throw new Error('the service has not opened the host');
    this.#deliver(event);
  }

  /** The reported states, in order, without wait hints. */
  get states(): string[] {
    return this.reports.map((report) => report.state);
  }
}

/** A logger that keeps its lines, so tests can read what the service said. */
export function recordingLogger(): { lines: string[]; error(m: string): void; warn(m: string): void; info(m: string): void; debug(m: string): void } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') };
}
