// The sd_notify messages on their way to systemd. A send never blocks the
// event loop (the native send is MSG_DONTWAIT), so a full socket queue
// (a stalled receiver; the kernel's default is 10 datagrams) answers EAGAIN.
// What systemd acts on (READY, STOPPING, RELOADING, EXTEND_TIMEOUT_USEC,
// ERRNO, FDSTORE) waits here, in order, and is sent again on a short timer
// until it goes out; STATUS and WATCHDOG are superseded by the next one and
// may be dropped meanwhile.

/** How a message is treated when it cannot go out at once. */
export type NotifyKind = 'required' | 'status' | 'watchdog';

// Errors that pass: the receiver's queue is full, or memory is short for a moment.
const TRANSIENT = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS', 'ENOMEM', 'EINTR']);
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 200;

export interface NotifyOutboxOptions {
  /** Sends one datagram; throws an errno error (code EAGAIN, ...). */
  send: (message: string) => void;
  /** Told once per kind of failure, and when sending works again. */
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
  #drained: (() => void)[] = [];

  constructor(options: NotifyOutboxOptions) {
    this.#options = options;
  }

  /** Messages still waiting to go out. */
  get pending(): number {
    return this.#waiting.length;
  }

  send(message: string, kind: NotifyKind): void {
    if (this.#waiting.length > 0) return this.#wait(message, kind);
    if (this.#trySend(message) === 'later') {
      this.#wait(message, kind);
      if (this.#waiting.length > 0) this.#schedule();
    }
  }

  // Behind what already waits: a ping is skipped (the next one comes), a status replaces the older one.
  #wait(message: string, kind: NotifyKind): void {
    if (kind === 'watchdog') return;
    if (kind === 'status') {
      const older = this.#waiting.findIndex((entry) => entry.kind === 'status');
      if (older >= 0) this.#waiting.splice(older, 1);
    }
    this.#waiting.push({ message, kind });
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
      if (this.#failing) this.#options.warn(`sd_notify to ${this.#options.socket} works again`);
      this.#failing = undefined;
      return 'sent';
    } catch (error) {
      const code = String((error as { code?: unknown }).code);
      if (this.#failing !== code) {
        const what = TRANSIENT.has(code) ? 'is busy; sending again shortly' : 'failed';
        this.#options.warn(`sd_notify to ${this.#options.socket} ${what}: ${(error as Error).message} (${message.split('\n')[0]})`);
      }
      this.#failing = code;
      return TRANSIENT.has(code) ? 'later' : 'dropped';
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
