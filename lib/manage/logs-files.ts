// Reading a service's output from files: the captured files of a Windows
// service (output.log and its rotations) and a launchd job's StandardOutPath.
// Platform-neutral (node:fs only), so the Linux unit ring tests every case.
//
// The files form one stream: the rotated files oldest first, then the current
// one. A follow holds each file open by handle, not by name, so a rotation
// (the current file renamed, a new one made) loses and repeats nothing: the
// renamed file is read to its end, and the next one only once the renamed
// one has been quiet for a whole poll (a writer may still finish a line in it
// while the handles are swapped). Node opens files with FILE_SHARE_READ |
// FILE_SHARE_WRITE | FILE_SHARE_DELETE on Windows, so holding them never
// blocks the writer's rename or its pruning of old files.
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lineTime } from './logs-since';

/** The file a Windows service writes now; rotated files are `output.<UTC yyyymmddTHHMMSSmmmZ>[-<n>].log`. */
export const CURRENT_LOG_NAME = 'output.log';

const ROTATED_NAME = /^output\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z(?:-(\d+))?\.log$/u;

/** Where a service's output files are, and which of them are rotations. */
export interface LogLayout {
  directory: string;
  /** The file written now. */
  current: string;
  /** When a name is a rotated file: the time it was rotated (ms) and its tie-break. */
  rotated: (name: string) => { rotatedAt: number; sequence: number } | undefined;
}

/** The rotation time and sequence a rotated file's name carries; undefined for any other name. */
export function rotatedLogName(name: string): { rotatedAt: number; sequence: number } | undefined {
  const match = ROTATED_NAME.exec(name);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, ms, sequence] = match.map(Number) as number[];
  return { rotatedAt: Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms!), sequence: Number.isNaN(sequence) ? 0 : sequence! };
}

/** A Windows service's captured files in `directory`. */
export function capturedLogLayout(directory: string): LogLayout {
  return { directory, current: CURRENT_LOG_NAME, rotated: rotatedLogName };
}

/** One file and nothing rotated (a launchd job's StandardOutPath). */
export function singleFileLayout(file: string): LogLayout {
  return { directory: path.dirname(file), current: path.basename(file), rotated: () => undefined };
}

/**
 * The rotated names among `names`, oldest first: by their time, then by the
 * `-<n>` a name gets when its time's name was taken (plain string order would
 * put `…Z-2.log` before `…Z.log`).
 */
export function orderRotated(layout: Pick<LogLayout, 'rotated'>, names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, key: layout.rotated(name) }))
    .filter((entry): entry is { name: string; key: { rotatedAt: number; sequence: number } } => entry.key !== undefined)
    .sort((a, b) => a.key.rotatedAt - b.key.rotatedAt || a.key.sequence - b.key.sequence || (a.name < b.name ? -1 : 1))
    .map((entry) => entry.name);
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

async function openIfThere(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Bytes to lines: a line is complete at its '\n' (a '\r' before it goes too); the rest waits for more. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (let at = data.indexOf(10, start); at !== -1; at = data.indexOf(10, start)) {
      lines.push(decodeLine(data.subarray(start, at)));
      start = at + 1;
    }
    this.pending = data.subarray(start);
    return lines;
  }

  /** The unfinished last line's bytes, handed over (they may end inside a character). */
  takePending(): Buffer {
    const pending = this.pending;
    this.pending = Buffer.alloc(0);
    return pending;
  }

  /** The unfinished last line, if any; it is given up. */
  flush(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const rest = decodeLine(this.pending);
    this.pending = Buffer.alloc(0);
    return rest;
  }
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

const CHUNK = 1 << 16;

/** Reads `handle` from `offset` to `end`, chunk by chunk. */
async function* bytesOf(handle: FileHandle, offset: number, end: number): AsyncGenerator<Buffer> {
  for (let at = offset; at < end; ) {
    const buffer = Buffer.alloc(Math.min(CHUNK, end - at));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/** A file of the stream, held open; `offset` is how far it has been read. */
interface OpenFile {
  handle: FileHandle;
  name: string;
  offset: number;
  ino: bigint;
  /** Renamed away (or replaced): read until it is quiet for a whole poll, then closed. */
  rotated: boolean;
  /** Set once a poll found a rotated file grew nothing. */
  quiet: boolean;
}

/**
 * The service's output as one stream of lines, from where it stands when
 * opened: `read()` returns every line written since, across rotations.
 * `close()` releases the files.
 */
const QUIET_POLL_MS = 50;

export class LogCursor {
  private readonly known = new Set<string>();
  private readonly files: OpenFile[] = [];
  private readonly splitter = new LineSplitter();
  /** Held files seen renamed (or replaced) whose rotated name has not been listed yet. */
  private unnamed = 0;

  private constructor(private readonly layout: LogLayout) {}

  /** A cursor at the end of what is written now (or at `start`'s end, when a snapshot was read first). */
  static async open(layout: LogLayout): Promise<LogCursor> {
    const cursor = new LogCursor(layout);
    for (const name of await listDirectory(layout.directory)) if (layout.rotated(name)) cursor.known.add(name);
    const handle = await openIfThere(path.join(layout.directory, layout.current));
    if (handle) {
      const info = await handle.stat({ bigint: true });
      cursor.files.push({ handle, name: layout.current, offset: Number(info.size), ino: info.ino, rotated: false, quiet: false });
    }
    return cursor;
  }

  /**
   * What was written before the cursor: the rotated files it knows of, oldest
   * first, then its own handle on the current file up to where it stands, so a
   * snapshot of them and the cursor's lines join exactly (no rename between
   * can make a line appear twice).
   */
  parts(): SnapshotPart[] {
    const rotated = orderRotated(this.layout, [...this.known]).map((name) => ({ name, end: Infinity }));
    const current = this.files.find((file) => !file.rotated);
    return current ? [...rotated, { name: current.name, handle: current.handle, end: current.offset }] : rotated;
  }

  /** Carries bytes read before the cursor (an unfinished last line) into its first line. */
  carry(bytes: Buffer): void {
    this.splitter.push(bytes);
  }

  /**
   * The complete lines written since the last read. `final`: read every file
   * to its end now (a last look, after the writer has ended) instead of
   * waiting for a rotated file to be quiet for a poll.
   */
  async read(final = false): Promise<string[]> {
    await this.noticeRotation();
    const lines: string[] = [];
    while (this.files.length > 0) {
      const file = this.files[0]!;
      const { size } = await file.handle.stat();
      // The same file, shorter: it was truncated in place; read it again from its start.
      if (!file.rotated && size < file.offset) file.offset = 0;
      const before = file.offset;
      for await (const chunk of bytesOf(file.handle, file.offset, size)) {
        file.offset += chunk.length;
        lines.push(...this.splitter.push(chunk));
      }
      if (!file.rotated) break;
      // A rotated file goes once a whole poll added nothing to it: only then do the lines after it follow.
      if (!final && (file.offset !== before || !file.quiet || this.files.length === 1)) {
        file.quiet = file.offset === before;
        break;
      }
      if (this.files.length === 1) break;
      await file.handle.close();
      this.files.shift();
    }
    return lines;
  }

  /**
   * Every line written until nothing more came for `quietMs` (or `limitMs`
   * passed), then a last look: for a writer that cannot be watched to its end
   * and may still be writing its last words.
   */
  async readUntilQuiet(quietMs: number, limitMs: number): Promise<string[]> {
    const lines = await this.read();
    const deadline = Date.now() + limitMs;
    let quietSince = Date.now();
    while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
      const more = await this.read();
      if (more.length === 0) continue;
      lines.push(...more);
      quietSince = Date.now();
    }
    lines.push(...(await this.read(true)));
    return lines;
  }

  /** Finds out whether the current file was rotated (renamed or replaced) and opens what came after it. */
  private async noticeRotation(): Promise<void> {
    const names = await listDirectory(this.layout.directory);
    const fresh = orderRotated(this.layout, names.filter((name) => !this.known.has(name)));
    for (const name of fresh) this.known.add(name);
    let current: { ino: bigint; size: bigint } | undefined;
    try {
      current = await stat(path.join(this.layout.directory, this.layout.current), { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const following = this.files.find((file) => !file.rotated);
    if (following) {
      // Where a file system gives no inode (0), only a new rotated name tells.
      const replaced = current === undefined || (following.ino === 0n ? fresh.length > 0 : current.ino !== following.ino);
      if (!replaced) return;
      following.rotated = true;
      this.unnamed += 1;
    }
    // A fresh rotated name may be a file already held: the one followed so far,
    // renamed now, or a poll ago when that poll's listing came before the
    // rename and its stat after it (the current name then missing, or already
    // new). It and the names before it are read: only the ones after are newer.
    let ours = -1;
    for (let index = 0; index < fresh.length; index += 1) {
      const info = await stat(path.join(this.layout.directory, fresh[index]!), { bigint: true }).catch(() => undefined);
      if (info !== undefined && info.ino !== 0n && this.files.some((file) => file.ino === info.ino)) ours = index;
    }
    // Without inodes, the oldest fresh names are the held files still waiting for theirs.
    if (ours === -1 && this.files.length > 0 && this.files.every((file) => file.ino === 0n)) ours = Math.min(this.unnamed, fresh.length) - 1;
    if (fresh.length > 0) this.unnamed = Math.max(0, this.unnamed - (ours + 1));
    const after = fresh.slice(ours + 1);
    for (const name of after) await this.add(name, true);
    if (current !== undefined && !this.files.some((file) => !file.rotated)) await this.add(this.layout.current, false);
  }

  private async add(name: string, rotated: boolean): Promise<void> {
    const handle = await openIfThere(path.join(this.layout.directory, name));
    if (!handle) return; // pruned meanwhile
    const info = await handle.stat({ bigint: true });
    this.files.push({ handle, name, offset: 0, ino: info.ino, rotated, quiet: false });
  }

  /** The unfinished last line, if any (for a read that ends here). */
  rest(): string | undefined {
    return this.splitter.flush();
  }

  async close(): Promise<void> {
    for (const file of this.files.splice(0)) await file.handle.close().catch(() => {});
  }
}

/** What {@link readFileLog} reads. */
export interface FileLogOptions {
  /** Only the last N lines (of those `since` keeps). Default: all. */
  lines?: number;
  /** Only lines written at or after this time (ms since the epoch). */
  since?: number;
  /** Go on with new lines as they are written, until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** How often a follow looks for new lines. Default 250 ms. */
  pollMs?: number;
}

/** Whether the layout has any file: a service that never wrote has none. */
export async function hasLogFiles(layout: LogLayout): Promise<boolean> {
  const names = await listDirectory(layout.directory);
  return names.some((name) => name === layout.current || layout.rotated(name) !== undefined);
}

/**
 * The files' lines, oldest first, then (with `follow`) each new line as it is
 * written. `since` skips a rotated file rotated before it whole (it holds only
 * older lines), and drops a line stamped earlier (an ISO stamp at its start,
 * as --log-timestamps writes; an unstamped line counts as the stamped line
 * before it, and as new when none is).
 */
export async function* readFileLog(layout: LogLayout, options: FileLogOptions = {}): AsyncGenerator<string> {
  const cursor = await LogCursor.open(layout);
  const keep = sinceFilter(options.since);
  try {
    const { lines, partial } = await snapshot(layout, cursor.parts(), options, keep);
    if (!options.follow) {
      // Without a follow, an unfinished last line (a crash's last words) is shown, and counts as one of the N.
      const last = partial.length > 0 && options.lines !== 0 ? decodeLine(partial) : undefined;
      const shown = last !== undefined && options.lines !== undefined ? lines.slice(lines.length - (options.lines - 1)) : lines;
      yield* shown;
      if (last !== undefined && keep(last)) yield last;
      return;
    }
    yield* lines;
    cursor.carry(partial);
    const pollMs = options.pollMs ?? 250;
    while (!options.signal?.aborted) {
      try {
        await sleep(pollMs, undefined, { signal: options.signal });
      } catch {
        return; // aborted
      }
      for (const line of await cursor.read()) if (keep(line)) yield line;
    }
  } finally {
    await cursor.close();
  }
}

/** A line filter for `since`, with its own memory of the last stamp seen. */
function sinceFilter(since: number | undefined): (line: string) => boolean {
  if (since === undefined) return () => true;
  let lastStamp: number | undefined;
  return (line) => {
    const stamp = lineTime(line);
    if (stamp !== undefined) lastStamp = stamp;
    return (stamp ?? lastStamp ?? since) >= since;
  };
}

/** A file of the snapshot: by name (a rotated file), or the cursor's own handle up to where it stands. */
export interface SnapshotPart {
  name: string;
  handle?: FileHandle;
  end: number;
}

async function withPart<T>(layout: LogLayout, part: SnapshotPart, use: (handle: FileHandle, end: number) => Promise<T>): Promise<T | undefined> {
  const handle = part.handle ?? (await openIfThere(path.join(layout.directory, part.name)));
  if (!handle) return undefined;
  try {
    return await use(handle, Math.min(part.end, Number((await handle.stat()).size)));
  } finally {
    if (!part.handle) await handle.close();
  }
}

/** What is written up to where the cursor opened: complete lines (filtered and cut to the last N), and the unfinished rest. */
async function snapshot(layout: LogLayout, allParts: SnapshotPart[], options: FileLogOptions, keep: (line: string) => boolean): Promise<{ lines: string[]; partial: Buffer }> {
  const since = options.since;
  const parts = allParts.filter((part) => since === undefined || (layout.rotated(part.name)?.rotatedAt ?? Infinity) >= since);
  if (since === undefined && options.lines !== undefined) return tail(layout, parts, options.lines);
  const splitter = new LineSplitter();
  let kept: string[] = [];
  for (const part of parts) {
    await withPart(layout, part, async (handle, end) => {
      for await (const chunk of bytesOf(handle, 0, end)) {
        for (const line of splitter.push(chunk)) if (keep(line)) kept.push(line);
        if (options.lines !== undefined && kept.length > options.lines + 4096) kept = kept.slice(-options.lines);
      }
    });
  }
  const lines = options.lines === undefined ? kept : options.lines === 0 ? [] : kept.slice(-options.lines);
  return { lines, partial: splitter.takePending() };
}

/** The last `count` complete lines of the files read as one, read backwards so a large history costs only its end. */
async function tail(layout: LogLayout, parts: SnapshotPart[], count: number): Promise<{ lines: string[]; partial: Buffer }> {
  const chunks: Buffer[] = [];
  let newlines = 0;
  let cut = false;
  for (let index = parts.length - 1; index >= 0 && !cut; index -= 1) {
    await withPart(layout, parts[index]!, async (handle, end) => {
      for (let at = end; at > 0 && !cut; ) {
        const length = Math.min(CHUNK, at);
        at -= length;
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, at);
        chunks.unshift(buffer);
        for (let i = 0; i < length; i += 1) if (buffer[i] === 10) newlines += 1;
        // `count` complete lines need count + 1 newlines before the unfinished rest: the first one only bounds them.
        cut = newlines > count;
      }
    });
  }
  const splitter = new LineSplitter();
  const lines = splitter.push(Buffer.concat(chunks));
  if (cut) lines.shift(); // what stands before the first newline read may be the end of a longer line
  return { lines: count === 0 ? [] : lines.slice(-count), partial: splitter.takePending() };
}
