// Output capture for a Windows service, started by the register preload
// before anything writes: the folder named by SERVICEHOST_LOG_DIR gets
// output.log, which becomes the process's stdout and stderr at the OS level
// (cpp/win/std_capture.cc), so Node's own fatal errors, a native crash's last
// words and children that inherit the handles land there too.
//
// process.stdout and process.stderr become streams of our own over the same
// file: each write is one WriteFile (a line written whole is never split),
// its bytes are counted, and rotation runs between two writes on the main
// thread. A timer (unref'd) checks the file's real size for what bypasses
// them (children, native writes).
import { readdirSync, renameSync, rmSync, mkdirSync, writeSync, closeSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { windowsNative } from '../native/load';
import { CURRENT_LOG_NAME } from '../manage/logs-files';
import { LOG_VARIABLES, nameForRotation, nextUtcMidnight, readCaptureSettings, rotatedLogsBeyond, type CaptureSettings } from './output-capture-files';

/** Set on globalThis once output is captured (a registry symbol: every copy of the package sees it). */
export const OUTPUT_CAPTURED = Symbol.for('servicehost.outputCaptured');

/** How often the real size is checked, for writes that bypass process.stdout/stderr. */
export const SIZE_CHECK_INTERVAL_MS = 10_000;
/** After a rotation that failed (a reader holding the file without delete sharing), the next try waits this long. */
const RETRY_AFTER_MS = 10_000;

type Kind = 'stdout' | 'stderr';

class OutputCapture {
  private written: number;
  private fds: Record<Kind, number>;
  private readonly atLineStart: Record<Kind, boolean> = { stdout: true, stderr: true };
  private nextMidnight: number;
  private retryAt = 0;
  /** A failed rotation was noted in the file; said once until one succeeds. */
  private deferredNoted = false;
  private readonly current: string;

  constructor(
    private readonly settings: CaptureSettings,
    opened: { nodeFds: boolean; stdoutFd: number; stderrFd: number },
  ) {
    this.current = path.join(settings.dir, CURRENT_LOG_NAME);
    this.fds = { stdout: opened.stdoutFd, stderr: opened.stderrFd };
    this.written = Math.max(0, windowsNative().capturedOutputSize());
    this.nextMidnight = nextUtcMidnight(Date.now());
    setInterval(() => this.check(), SIZE_CHECK_INTERVAL_MS).unref();
  }

  fd(kind: Kind): number {
    return this.fds[kind];
  }

  /** Main thread: one process.stdout/stderr write, as one WriteFile. */
  write(kind: Kind, chunk: Buffer): void {
    const data = this.settings.timestamps ? this.stamp(kind, chunk) : chunk;
    if (this.due(data.length)) this.rotate();
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.fds[kind], data, offset, data.length - offset);
    this.written += data.length;
  }

  /** Whether `incoming` more bytes would pass the limit, or a new UTC day began since the file's first byte. */
  private due(incoming: number): boolean {
    const dayEnded = this.settings.daily && Date.now() >= this.nextMidnight;
    if (dayEnded && this.written === 0) this.nextMidnight = nextUtcMidnight(Date.now());
    return this.written > 0 && (this.written + incoming > this.settings.maxSize || dayEnded);
  }

  private stamp(kind: Kind, chunk: Buffer): Buffer {
    const prefix = Buffer.from(`${new Date().toISOString()} `);
    const parts: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      if (this.atLineStart[kind]) parts.push(prefix);
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      parts.push(chunk.subarray(start, end));
      this.atLineStart[kind] = newline !== -1;
      start = end;
    }
    return Buffer.concat(parts);
  }

  private check(): void {
    const size = windowsNative().capturedOutputSize();
    if (size >= 0) this.written = size;
    // One more byte would pass the limit: the file has reached it.
    if (this.due(1)) this.rotate();
  }

  /** Main thread, between two writes: output.log is renamed, and a fresh one takes its place at every level. */
  private rotate(): void {
    const now = Date.now();
    if (now < this.retryAt) return;
    const dir = this.settings.dir;
    const rotated = path.join(dir, nameForRotation(new Date(now), (name) => existsSync(path.join(dir, name))));
    try {
      renameSync(this.current, rotated);
    } catch (error) {
      // Gone (an earlier rotation renamed it but could not open the next one, or someone deleted it): just open a new one.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.reopen(now);
      // A reader that opened it without delete sharing (PowerShell's Get-Content) blocks the rename: keep writing, try later.
      this.retryAt = now + RETRY_AFTER_MS;
      if (!this.deferredNoted) this.note(`servicehost: output.log not rotated, trying again every ${RETRY_AFTER_MS / 1000} s: ${(error as Error).message}`);
      this.deferredNoted = true;
      return;
    }
    this.reopen(now, path.basename(rotated));
  }

  /** Main thread: a new output.log at every level; `writingOnIn` is where writes go if it cannot be opened. */
  private reopen(now: number, writingOnIn = 'the old file'): void {
    let opened;
    try {
      opened = windowsNative().captureOutput(this.current);
    } catch (error) {
      // The renamed file is still written to; the next rotation tries again.
      this.retryAt = now + RETRY_AFTER_MS;
      this.note(`servicehost: cannot open a new output.log, writing on in ${writingOnIn}: ${(error as Error).message}`);
      return;
    }
    if (!opened.nodeFds) {
      // Our own fds (not node's 1 and 2): the old ones are ours to close.
      for (const kind of ['stdout', 'stderr'] as const) if (this.fds[kind] > 2) closeSync(this.fds[kind]);
      this.fds = { stdout: opened.stdoutFd, stderr: opened.stderrFd };
    }
    this.written = Math.max(0, windowsNative().capturedOutputSize());
    this.nextMidnight = nextUtcMidnight(now);
    this.deferredNoted = false;
    this.prune();
  }

  private prune(): void {
    let names: string[];
    try {
      names = readdirSync(this.settings.dir);
    } catch {
      return;
    }
    for (const name of rotatedLogsBeyond(names, this.settings.keep)) {
      try {
        rmSync(path.join(this.settings.dir, name), { force: true });
      } catch {
        // A reader without delete sharing holds it: it goes at a later rotation.
      }
    }
  }

  /** A line of servicehost's own, straight into the file. */
  note(line: string): void {
    try {
      writeSync(this.fds.stderr, `${line}\n`);
    } catch {
      // Nowhere else to say it.
    }
  }
}

/** process.stdout or process.stderr over the capture: a file stream, as Node makes for a file; it never closes the fd. */
class CapturedOutputStream extends Writable {
  readonly isTTY = false;
  readonly _isStdio = true;
  readonly _type = 'fs';

  constructor(
    private readonly capture: OutputCapture,
    private readonly kind: Kind,
  ) {
    super({ decodeStrings: true });
  }

  get fd(): number {
    return this.capture.fd(this.kind);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.capture.write(this.kind, chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(error);
  }

  destroySoon(): void {
    this.destroy();
  }
}

function replaceStream(kind: Kind, stream: CapturedOutputStream): void {
  const descriptor = Object.getOwnPropertyDescriptor(process, kind);
  Object.defineProperty(process, kind, { configurable: true, enumerable: descriptor?.enumerable ?? true, get: () => stream });
  // The global console keeps the stream it first wrote to.
  (console as unknown as Record<string, unknown>)[`_${kind}`] = stream;
}

let started = false;

/**
 * Starts capture when SERVICEHOST_LOG_DIR is set (the register preload, main
 * thread, before the program writes anything), and removes the
 * SERVICEHOST_LOG_* variables so children do not capture again. A capture
 * that cannot start leaves the output where it was and says why in a warning.
 * Returns whether output is captured.
 */
export function captureOutputFromEnvironment(environment: NodeJS.ProcessEnv = process.env): boolean {
  if (started || !isMainThread) return started;
  const read = readCaptureSettings(environment);
  for (const name of Object.values(LOG_VARIABLES)) delete environment[name];
  if (read === undefined) return false;
  const { settings, problems } = read;
  let opened;
  try {
    mkdirSync(settings.dir, { recursive: true });
    opened = windowsNative().captureOutput(path.join(settings.dir, CURRENT_LOG_NAME));
  } catch (error) {
    process.emitWarning(`servicehost: output is not captured: ${(error as Error).message}`, 'ServicehostWarning');
    return false;
  }
  started = true;
  // Seen by the Windows service host of any copy of servicehost in the process: service.log then also
  // writes to stderr, so a crash's reason lands in output.log beside the Event Log.
  (globalThis as Record<symbol, unknown>)[OUTPUT_CAPTURED] = true;
  if (opened.stdoutFd < 0 || opened.stderrFd < 0) return true;
  const capture = new OutputCapture(settings, opened);
  replaceStream('stdout', new CapturedOutputStream(capture, 'stdout'));
  replaceStream('stderr', new CapturedOutputStream(capture, 'stderr'));
  for (const problem of problems) capture.note(`servicehost: ${problem}`);
  if (!opened.nodeFds) capture.note('servicehost: this host does not let its own fds 1 and 2 move: Node\'s fatal errors and children with stdio "inherit" are not captured');
  else if (!opened.nodeStreams) capture.note("servicehost: this host's C runtime streams were not found: Node's fatal errors (out of memory, abort) are not captured");
  return true;
}
