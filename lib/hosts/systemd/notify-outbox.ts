// The sd_notify messages on their way to systemd. A send never blocks the
// event loop (the native send is MSG_DONTWAIT), so a full socket queue
// (a stalled receiver; the kernel's default is 10 datagrams) answers EAGAIN.
// What systemd acts on (READY, STOPPING, RELOADING, ERRNO, FDSTORE, and an
// EXTEND_TIMEOUT_USEC sent with one of them) waits here, in order, and is sent
// again on a short timer until it goes out. A lone EXTEND_TIMEOUT_USEC (each
// progress(), each teardown step) and STATUS wait only until a newer one comes:
// the newest is all systemd needs (it extends from when it reads it), so a
// burst of progress() into a stalled socket waits as one message of each, not
// one per call. WATCHDOG is superseded by the next ping and dropped meanwhile.

/** How a message is treated when it cannot go out at once. */
export type NotifyKind = 'required' | 'extend' | 'status' | 'watchdog';

// Errors that pass: the receiver's queue is full, or memory is short for a moment.
const TRANSIENT = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS', 'ENOMEM', 'EINTR']);
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 200;

export interface NotifyOutboxOptions {
  /** Sends one datagram; throws an errno error (code EAGAIN, ...). */
  send: (message: string) => void;
  /** Told once per kind of failure (and once as sending works again after it); repeats are counted for summary(). */
  warn: (message: string) => void;
  /** What the messages go to, for the warnings. */
  socket: string;
}

export class NotifyOutbox {
  readonly #options: NotifyOutboxOptions;
  // What waits, in the order it was sent; a STATUS waits only until a newer one comes.
  readonly #waiting: { message: string; kind: NotifyKind }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #retryMs = FIRST_RETRY_MS;
  #failing: string | undefined;
  // Failure kinds (errno codes) already told, and how often each came back after that, untold.
  readonly #told = new Set<string>();
  readonly #repeats = new Map<string, number>();
  // Whether the last send failed for good (no such socket, refused): what was sent is lost.
  #lost = false;
  #drained: (() => void)[] = [];

  constructor(options: NotifyOutboxOptions) {
    this.#options = options;
  }

  /** Messages still waiting to go out. */
  get pending(): number {
    return this.#waiting.length;
  }

  /** Whether the last send failed for good (ENOENT, ECONNREFUSED, ...): that message did not reach systemd and will not. */
  get lost(): boolean {
    return this.#lost;
  }

  send(message: string, kind: NotifyKind): void {
    if (this.#waiting.length > 0) return this.#wait(message, kind);
    if (this.#trySend(message) === 'later') {
      this.#wait(message, kind);
      if (this.#waiting.length > 0) this.#schedule();
    }
  }

  // Behind what already waits: a ping is skipped (the next one comes), a status
  // or a lone extension replaces the older one of its kind, so at most one of
  // each waits. 'required' messages keep their places and order.
  #wait(message: string, kind: NotifyKind): void {
    if (kind === 'watchdog') return;
    if (kind === 'status' || kind === 'extend') {
      const older = this.#waiting.findIndex((entry) => entry.kind === kind);
      if (older >= 0) this.#waiting.splice(older, 1);
    }
    this.#waiting.push({ message, kind });
  }

  /** The failures that came back after their one warning, as one line (for the exit), or undefined when none did. */
  summary(): string | undefined {
    if (this.#repeats.size === 0) return undefined;
    const counts = [...this.#repeats].map(([code, times]) => `${code} ${times} more time${times === 1 ? '' : 's'}`).join(', ');
    return `sd_notify to ${this.#options.socket} failed again after its warning, not told each time: ${counts}`;
  }

  /** Resolves once nothing waits, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#drained.push(done);
    });
  }

  // 'sent', 'later' (a passing failure: send again) or 'dropped' (warned).
  #trySend(message: string): 'sent' | 'later' | 'dropped' {
    try {
      this.#options.send(message);
      // Said once per kind, after its first warning: a reader that keeps falling behind does not fill the log.
      if (this.#failing !== undefined && !this.#told.has(`ok:${this.#failing}`)) {
        this.#told.add(`ok:${this.#failing}`);
        this.#options.warn(`sd_notify to ${this.#options.socket} works again`);
      }
      this.#failing = undefined;
      this.#lost = false;
      return 'sent';
    } catch (error) {
      const code = String((error as { code?: unknown }).code);
      if (this.#failing !== code) {
        if (!this.#told.has(code)) {
          this.#told.add(code);
          const what = TRANSIENT.has(code) ? 'is busy; sending again shortly' : 'failed';
          this.#options.warn(`sd_notify to ${this.#options.socket} ${what}: ${(error as Error).message} (${message.split('\n')[0]})`);
        } else {
          this.#repeats.set(code, (this.#repeats.get(code) ?? 0) + 1);
        }
      }
      this.#failing = code;
      this.#lost = !TRANSIENT.has(code);
      return this.#lost ? 'dropped' : 'later';
    }
  }

  #schedule(): void {
    // Unref'd: the lifecycle holds the process; close() flushes before exit.
    this.#timer = setTimeout(() => this.#retry(), this.#retryMs).unref();
    this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
  }

  #retry(): void {
    this.#timer = undefined;
    while (this.#waiting.length > 0) {
      if (this.#trySend(this.#waiting[0]!.message) === 'later') return this.#schedule();
      this.#waiting.shift();
    }
    this.#retryMs = FIRST_RETRY_MS;
    for (const done of this.#drained.splice(0)) done();
  }
}
