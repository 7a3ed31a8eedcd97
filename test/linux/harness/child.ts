// A real child process running a fixture, its JSON event lines collected.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { LineCollector } from './lines';

export interface FixtureEvent {
  event: string;
  at: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const fixturesDir = path.resolve(__dirname, '..', 'fixtures');

export class FixtureProcess {
  readonly process: ChildProcess;
  readonly events: LineCollector<FixtureEvent>;
  readonly exited: Promise<Exit>;
  stderr = '';

  constructor(script: string, options: { fixture?: object; env?: NodeJS.ProcessEnv; args?: string[]; stdio?: ('pipe' | 'ignore' | number)[] } = {}) {
    const env = { ...process.env, ...options.env };
    // A service must not think systemd started it unless the test says so.
    for (const name of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'JOURNAL_STREAM', 'SYSTEMD_EXEC_PID']) {
      if (!options.env || !(name in options.env)) delete env[name];
    }
    if (options.fixture) env.FIXTURE = JSON.stringify(options.fixture);
    this.process = spawn(process.execPath, [path.resolve(fixturesDir, script), ...(options.args ?? [])], {
      env,
      stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
    });
    this.events = new LineCollector(this.process.stdout!, (line) => {
      try {
        return JSON.parse(line) as FixtureEvent;
      } catch {
        return { event: 'text', at: '0', text: line };
      }
    });
    this.process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  waitForEvent(name: string, match: (event: FixtureEvent) => boolean = () => true, timeoutMs?: number): Promise<FixtureEvent> {
    return this.events.waitFor((event) => event.event === name && match(event), timeoutMs, `event "${name}"`);
  }

  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** The names of the events seen, in order. */
  get names(): string[] {
    return this.events.items.map((event) => event.event);
  }
}

/** Ends a child that a failed test left running. */
export function reap(child: FixtureProcess | undefined): void {
  if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
}
