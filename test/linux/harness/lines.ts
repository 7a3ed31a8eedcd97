// Reads a child's output as lines and waits for the one a test expects.
import type { Readable } from 'node:stream';

export class LineCollector<T> {
  readonly items: T[] = [];
  #waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  constructor(stream: Readable, parse: (line: string) => T | undefined) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const item = parse(line);
        if (item !== undefined) this.#add(item);
      }
    });
  }

  /** The first item, seen or still to come, that matches; rejects after `timeoutMs`. */
  waitFor(match: (item: T) => boolean, timeoutMs = 15_000, what = 'a matching line'): Promise<T> {
    const seen = this.items.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw:\n${this.items.map((i) => JSON.stringify(i)).join('\n')}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (item) => (clearTimeout(timer), resolve(item)) });
    });
  }

  #add(item: T): void {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.match(item)) return true;
      waiter.resolve(item);
      return false;
    });
  }
}
