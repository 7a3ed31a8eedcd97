// A real AF_UNIX datagram socket standing in for systemd's notify socket
// (fixtures/notify_receiver.py), with every message it received.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir } from './child';
import { LineCollector } from './lines';

export interface NotifyMessage {
  /** CLOCK_MONOTONIC ns at arrival. */
  at: number;
  pid: number | null;
  message: string;
  fds: number;
}

export class NotifyReceiver {
  readonly address: string;
  readonly messages: LineCollector<NotifyMessage>;
  readonly #process: ChildProcess;
  readonly #bound: Promise<void>;

  private constructor(address: string, stallMs: number) {
    this.address = address;
    this.#process = spawn('python3', [path.join(fixturesDir, 'notify_receiver.py'), address, String(stallMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let bound!: () => void;
    this.#bound = new Promise((resolve) => (bound = resolve));
    this.messages = new LineCollector(this.#process.stdout!, (line) => {
      if (line === 'bound') {
        bound();
        return undefined;
      }
      if (line === 'unstalled') return undefined;
      return JSON.parse(line) as NotifyMessage;
    });
  }

  /** A receiver at a fresh path name, or at a fresh '@' abstract name; `stallMs`: it reads nothing for this long after binding. */
  static async start(kind: 'path' | 'abstract', options: { stallMs?: number } = {}): Promise<NotifyReceiver> {
    const name = `servicehost-notify-${process.pid}-${randomBytes(4).toString('hex')}`;
    const receiver = new NotifyReceiver(kind === 'abstract' ? `@${name}` : path.join(os.tmpdir(), `${name}.sock`), options.stallMs ?? 0);
    await receiver.#bound;
    return receiver;
  }

  /** Every message's lines, flattened, in arrival order. */
  get lines(): string[] {
    return this.messages.items.flatMap((item) => item.message.split('\n'));
  }

  waitForLine(line: string | RegExp, timeoutMs?: number): Promise<NotifyMessage> {
    const matches = (text: string) => (typeof line === 'string' ? text === line : line.test(text));
    return this.messages.waitFor((item) => item.message.split('\n').some(matches), timeoutMs, `notify line ${String(line)}`);
  }

  close(): void {
    this.#process.stdin!.end();
  }
}
