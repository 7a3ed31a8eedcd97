// The docs' shell lines, as written, under a real systemd: every block marked
// `<!-- doc-test: systemd-live [after=<file>] -->` (test/helpers/doc-blocks.ts)
// runs line by line in the guest, as an unprivileged user with lingering, in
// an app folder holding the named earlier block's file and the package
// (node_modules/servicehost is this checkout, so `npx servicehost` resolves
// locally; the guest has no network). Each line's `# comment` is its expectation:
//   Ctrl-C       the line runs in the foreground; once the app's port (the after= block's http=)
//                answers, the test sends SIGINT, as a terminal's Ctrl-C does;
//   drain        a keep-alive client of that port sees every request answered, one with
//                `Connection: close`, then the server closing the socket (Node's own close()
//                destroys an idle keep-alive socket: a request is lost);
//   exit code N  the line's exit code (after Ctrl-C, the program's); after `servicehost stop`,
//                the service's too (ExecMainStatus);
//   a JSON body  the line's output parses to it.
// A line without a comment must exit 0. After `servicehost install`, `stop` and
// `uninstall` the unit is read back: active; inactive with its exit status; gone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { afterBlock, extractBlocks, extractDocBlocks, markOf, markProblems, selectedDocFiles, shellLines, where, type DocBlock, type ShellLine } from '../helpers/doc-blocks';
import { GUEST_CHECKOUT, guestCommand, runInGuest, type GuestRun } from '../../scripts/systemd-live.mjs';
import { check, guest, ring, show, waitFor } from './harness/guest';

const repoRoot = path.resolve(__dirname, '..', '..');
// A user of this file's own: user-unit.test.ts disables lingering for its user when it ends.
const user = { name: 'livedocs', uid: 1501 };
const LINE_TIMEOUT_MS = 60_000;
const PORT_TIMEOUT_MS = 20_000;
const EXIT_AFTER_CTRL_C_MS = 30_000;

// npm (npx with it) ships with Node: next to the Node under test, as in Node's own tarballs and
// Debian's packages (<prefix>/bin/node, <prefix>/lib/node_modules/npm). The guest gets the same copy.
const HOST_NPM = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');

/** argv run as the user, with their runtime dir (systemctl --user finds their manager there). */
function asUser(argv: readonly string[]): string[] {
  return ['runuser', '-u', user.name, '--', 'env', `XDG_RUNTIME_DIR=/run/user/${user.uid}`, `HOME=/home/${user.name}`, ...argv];
}

/** A process in the guest whose output the test reads while it runs (runInGuest only returns at the end). */
interface Running {
  output(): string;
  exited: Promise<number>;
  /** The first output line matching `pattern`; rejects if the process ends first or at the deadline. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Ends nsenter and what it started in the guest (one process group, by its id). */
  kill(): void;
}

function startInGuest(argv: readonly string[], cwd?: string): Running {
  const [command, ...args] = guestCommand(ring.target!, argv, cwd === undefined ? {} : { cwd });
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const watchers = new Set<() => void>();
  const append = (chunk: string) => {
    output += chunk;
    for (const watcher of watchers) watcher();
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  const exited = new Promise<number>((resolve) => child.once('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const watcher of watchers) watcher();
  });
  return {
    output: () => output,
    exited,
    line: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no output matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const finish = (error?: Error, found?: string) => {
          clearTimeout(timer);
          watchers.delete(watch);
          if (error) reject(error);
          else resolve(found!);
        };
        const watch = () => {
          const found = output.split('\n').find((text) => pattern.test(text));
          if (found !== undefined) finish(undefined, found);
          else if (done) finish(new Error(`it ended before printing a line matching ${pattern}`));
        };
        watchers.add(watch);
        watch();
      }),
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

// The keep-alive client, run in the guest with its node (`node -e PROBE <port> <path> <mode>`).
// It waits for the port, gets one answer, prints {"event":"connected"}; in `ready` mode it ends
// there. In `drain` mode it goes on sending a request every 20 ms on the same socket (idle far
// less than the drain's 500 ms grace) until an answer carries `Connection: close`, then expects
// the server to end the socket. One raw socket, so no agent hides a reset by opening another.
const PROBE = String.raw`
const net = require('node:net');
const [port, urlPath, mode] = [Number(process.argv[1]), process.argv[2], process.argv[3]];
const say = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function connect() {
  const until = Date.now() + ${PORT_TIMEOUT_MS};
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => { socket.removeListener('error', reject); resolve(socket); });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(50);
    }
  }
}
(async () => {
  const socket = await connect();
  let buffer = Buffer.alloc(0);
  let waiting;
  let endedByServer = false;
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.on('end', () => { endedByServer = true; });
  socket.on('error', (error) => waiting && waiting.reject(error));
  socket.on('close', () => waiting && waiting.reject(new Error('the socket closed before an answer')));
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    const head = buffer.indexOf('\r\n\r\n');
    if (!waiting || head === -1) return;
    const lines = buffer.subarray(0, head).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(lines.slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    if (headers['transfer-encoding']) return waiting.reject(new Error('a chunked answer: the probe reads Content-Length only'));
    const length = Number(headers['content-length'] || 0);
    if (buffer.length < head + 4 + length) return;
    const answer = { status: Number(lines[0].split(' ')[1]), connection: headers.connection || '', body: buffer.subarray(head + 4, head + 4 + length).toString() };
    buffer = buffer.subarray(head + 4 + length);
    const { resolve } = waiting;
    waiting = undefined;
    resolve(answer);
  });
  const request = () => new Promise((resolve, reject) => {
    // A socket the server closed while idle takes no more requests (a write would fail silently).
    if (socket.destroyed || endedByServer) return reject(new Error('the server closed the idle socket'));
    waiting = { resolve, reject };
    socket.write('GET ' + urlPath + ' HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
  const first = await request();
  say({ event: 'connected', status: first.status });
  if (mode !== 'drain') return socket.destroy();
  let answered = 1;
  const until = Date.now() + 60000;
  for (;;) {
    await sleep(20);
    let answer;
    try {
      answer = await request();
    } catch (error) {
      say({ event: 'lost', answered, error: error.code || error.message });
      process.exit(1);
    }
    answered += 1;
    if (answer.connection === 'close') {
      const timer = setTimeout(() => { say({ event: 'not-closed', answered }); process.exit(1); }, 5000);
      await closed;
      clearTimeout(timer);
      say({ event: 'drained', answered, last: answer, endedByServer });
      process.exit(0);
    }
    if (Date.now() > until) { say({ event: 'no-drain', answered }); process.exit(1); }
  }
})().catch((error) => { say({ event: 'failed', error: error.code || error.message }); process.exit(1); });
`;

interface Probe {
  running: Running;
  /** Its last JSON line, once it ended. */
  result(): Promise<Record<string, unknown>>;
}

function startProbe(port: number, urlPath: string, mode: 'ready' | 'drain'): Probe {
  const running = startInGuest(['node', '-e', PROBE, String(port), urlPath, mode]);
  return {
    running,
    result: async () => {
      await running.exited;
      const last = running.output().trim().split('\n').at(-1) ?? '';
      try {
        return JSON.parse(last) as Record<string, unknown>;
      } catch {
        return { event: 'unreadable', output: running.output() };
      }
    },
  };
}

/** `servicehost <verb> [--user] … <name>` on a line: what to read back after it. */
function servicehostCommand(command: string): { verb: string; name: string; userScope: boolean } | undefined {
  const words = command.split(/\s+/u);
  const at = words.indexOf('servicehost');
  if (at === -1 || words[at + 1] === undefined) return undefined;
  const rest = words.slice(at + 2);
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  const name = options.includes('--name') ? options[options.indexOf('--name') + 1] : options.filter((word) => !word.startsWith('-')).at(-1);
  return name === undefined ? undefined : { verb: words[at + 1]!, name, userScope: options.includes('--user') };
}

const blocks = extractDocBlocks(selectedDocFiles(repoRoot), repoRoot);
const live = blocks.filter((block) => markOf(block)?.kinds.includes('systemd-live') && markProblems(block).length === 0);

/** Runs one systemd-live block; throws with the transcript of every line so far. */
async function runBlock(block: DocBlock, all: readonly DocBlock[] = blocks): Promise<void> {
  const mark = markOf(block)!;
  const source = mark.after === undefined ? undefined : afterBlock(all, mark.after, block);
  const app = `/home/${user.name}/docs-${path.basename(block.file, '.md')}-${block.line}`;
  const transcript: string[] = [];
  const installed = new Set<string>();
  let foreground: Running | undefined;
  let probe: Probe | undefined;
  const record = (line: ShellLine, run: { code: number; stdout?: string; stderr?: string; output?: string }) =>
    transcript.push(`$ ${line.command}   (line ${line.line}) -> exit ${run.code}\n${(run.output ?? `${run.stdout ?? ''}${run.stderr ?? ''}`).trimEnd()}`);
  const runLine = (line: ShellLine): Promise<GuestRun> => runInGuest(ring.target!, asUser(['/bin/sh', '-c', line.command]), { cwd: app, timeoutMs: LINE_TIMEOUT_MS });
  const port = (line: ShellLine): number => {
    if (source?.marks[0]?.httpPort === undefined) throw new Error(`line ${line.line} waits for a port: its mark needs after=<a service block with http=<port>>`);
    return source.marks[0].httpPort;
  };
  const urlPath = source?.marks[0]?.httpPath ?? '/';
  const expectDrained = async (line: ShellLine, drain: Probe) => {
    const result = await drain.result();
    expect(result, `line ${line.line}: the keep-alive client saw no drain: ${JSON.stringify(result)}`).toMatchObject({ event: 'drained', endedByServer: true, last: { connection: 'close' } });
    transcript.push(`  (drain: ${JSON.stringify(result)})`);
  };

  try {
    // The app folder, as `npm install servicehost` leaves it, plus the earlier block's file.
    await check(asUser(['mkdir', '-p', `${app}/node_modules/.bin`]));
    await check(asUser(['ln', '-sfn', GUEST_CHECKOUT, `${app}/node_modules/servicehost`]));
    // npm links a bin to its file and makes the file executable; /checkout is read-only here, so a
    // shim runs it with node instead.
    await check(asUser(['/bin/sh', '-c', 'cat > "$1" && chmod 755 "$1"', 'sh', `${app}/node_modules/.bin/servicehost`]), {
      input: '#!/bin/sh\nexec node "$(dirname "$0")/../servicehost/dist/cli.js" "$@"\n',
    });
    await check(asUser(['/bin/sh', '-c', 'cat > "$1"', 'sh', `${app}/package.json`]), { input: `${JSON.stringify({ name: 'docs-app', private: true }, null, 2)}\n` });
    if (source) await check(asUser(['/bin/sh', '-c', 'cat > "$1"', 'sh', `${app}/${source.fileName!}`]), { input: source.body });

    for (const line of shellLines(block)) {
      const expected = line.expect.exitCode ?? 0;
      if (line.expect.ctrlC) {
        // In the foreground; its PID (the shell's, which `exec` makes the program's) is what Ctrl-C signals.
        const pidFile = `/tmp/doc-test-${block.line}-${line.line}.pid`;
        foreground = startInGuest(asUser(['/bin/sh', '-c', `echo $$ > ${pidFile} && exec ${line.command}`]), app);
        probe = startProbe(port(line), urlPath, line.expect.drain ? 'drain' : 'ready');
        const early = foreground.exited.then((code) => {
          throw new Error(`line ${line.line} ended (exit ${code}) before its port answered`);
        });
        early.catch(() => {});
        await Promise.race([probe.running.line(/"event":"connected"/u, PORT_TIMEOUT_MS + 5_000), early]);
        const pid = (await check(['cat', pidFile])).trim();
        await check(asUser(['kill', '-INT', pid]));
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([
          foreground.exited,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`line ${line.line} still ran ${EXIT_AFTER_CTRL_C_MS} ms after Ctrl-C`)), EXIT_AFTER_CTRL_C_MS))),
        ]).finally(() => clearTimeout(timer));
        record(line, { code, output: foreground.output() });
        foreground = undefined;
        await check(['rm', '-f', pidFile]);
        expect(code, `line ${line.line}: the exit code after Ctrl-C`).toBe(expected);
        if (line.expect.drain) await expectDrained(line, probe);
        continue;
      }

      const drain = line.expect.drain ? startProbe(port(line), urlPath, 'drain') : undefined;
      if (drain) {
        probe = drain;
        await drain.running.line(/"event":"connected"/u, PORT_TIMEOUT_MS + 5_000);
      }
      const run = await runLine(line);
      record(line, run);
      expect(run.code, `line ${line.line}: the exit code`).toBe(expected);
      if (line.expect.json !== undefined) {
        let body: unknown;
        expect(() => (body = JSON.parse(run.stdout)), `line ${line.line}: its output is JSON`).not.toThrow();
        expect(body, `line ${line.line}: its output`).toEqual(line.expect.json);
      }
      if (drain) await expectDrained(line, drain);

      const managed = servicehostCommand(line.command);
      if (managed === undefined) continue;
      const unit = `${managed.name}.service`;
      const showIt = (properties: string[]) => show(unit, properties, managed.userScope ? { user, userScope: true } : {});
      if (managed.verb === 'install') {
        installed.add(unit);
        expect(await showIt(['ActiveState']), `line ${line.line}: the unit after install`).toEqual({ ActiveState: 'active' });
      } else if (managed.verb === 'stop') {
        // The service's own exit: status `expected`, by exit() (ExecMainCode 1), not by a signal (2).
        expect(await showIt(['ActiveState', 'ExecMainCode', 'ExecMainStatus']), `line ${line.line}: the unit after stop`).toEqual({
          ActiveState: 'inactive',
          ExecMainCode: '1',
          ExecMainStatus: String(expected),
        });
      } else if (managed.verb === 'uninstall') {
        expect(await showIt(['LoadState']), `line ${line.line}: the unit after uninstall`).toEqual({ LoadState: 'not-found' });
        installed.delete(unit);
      }
    }
    console.log(`[docs] ${where(block)}, line by line in the guest:\n${transcript.join('\n')}`);
  } catch (error) {
    throw new Error(`${where(block)}: ${(error as Error).message}\n--- transcript ---\n${transcript.join('\n')}${foreground ? `\n--- the foreground line so far ---\n${foreground.output()}` : ''}\n---`);
  } finally {
    foreground?.kill();
    probe?.running.kill();
    // Whatever a failed run left: the user's units, a foreground program still running (its PID file
    // is removed once it ended), the folder.
    for (const unit of installed) {
      await guest(asUser(['/bin/sh', '-c', `systemctl --user stop ${unit}; rm -f "$HOME/.config/systemd/user/${unit}"; systemctl --user daemon-reload; systemctl --user reset-failed ${unit}; true`]));
    }
    await guest(['/bin/sh', '-c', `for f in /tmp/doc-test-${block.line}-*.pid; do [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null; rm -f "$f"; done; true`]);
    await guest(['rm', '-rf', app]);
  }
}

describe.skipIf(!ring.available)(`systemd-live blocks of README.md and docs/, as written (${ring.backend})`, () => {
  beforeAll(async () => {
    if (!existsSync(path.join(HOST_NPM, 'bin', 'npx-cli.js'))) throw new Error(`no npm next to ${process.execPath} (looked in ${HOST_NPM}): the blocks run npx`);
    // npm into the guest's overlay, laid out as Node's tarball does; tar by absolute path on this side.
    await check(['mkdir', '-p', '/usr/local/lib/node_modules']);
    const [command, ...args] = guestCommand(ring.target!, ['tar', '-x', '-f', '-', '-C', '/usr/local/lib/node_modules']);
    const unpack = spawn(command!, args, { stdio: ['pipe', 'ignore', 'inherit'] });
    const pack = spawn('/bin/tar', ['-C', path.dirname(HOST_NPM), '-c', '-f', '-', path.basename(HOST_NPM)], { stdio: ['ignore', 'pipe', 'inherit'] });
    pack.stdout.pipe(unpack.stdin);
    const codes = await Promise.all([pack, unpack].map((child) => new Promise<number | null>((resolve) => child.once('close', resolve))));
    expect(codes, 'tar | (guest) tar -x of npm').toEqual([0, 0]);
    await check(['ln', '-sf', '../lib/node_modules/npm/bin/npm-cli.js', '/usr/local/bin/npm']);
    await check(['ln', '-sf', '../lib/node_modules/npm/bin/npx-cli.js', '/usr/local/bin/npx']);

    await check(['/bin/sh', '-c', `id ${user.name} >/dev/null 2>&1 || useradd --create-home --uid ${user.uid} ${user.name}`]);
    await check(['loginctl', 'enable-linger', user.name]);
    await waitFor("the user's manager", async () => (await show(`user@${user.uid}.service`, ['ActiveState'])).ActiveState === 'active', 20_000);
  });

  afterAll(async () => {
    await guest(['loginctl', 'disable-linger', user.name]);
  });

  test('the docs have systemd-live blocks (or SERVICEHOST_DOC_FILES picked pages without one)', () => {
    console.log(`[docs] ${live.length} systemd-live block(s): ${live.map(where).join(', ') || 'none'}`);
    if (process.env.SERVICEHOST_DOC_FILES === undefined) expect(live.length).toBeGreaterThan(0);
  });

  for (const block of live) {
    test(`systemd-live ${where(block)}`, () => runBlock(block), 240_000);
  }

  // The checks themselves, on a sample of this file's own (break-and-see, kept): each block
  // states what the guest will not show.
  describe('the checks fail where they should', () => {
    const sample = extractBlocks(
      [
        '<!-- doc-test: service http=3001 -->',
        '```js closes.mjs',
        "import http from 'node:http';",
        "import { once } from 'node:events';",
        "import { Service } from 'servicehost';",
        'const service = new Service();',
        'await service.start(async () => {',
        "  const server = http.createServer((req, res) => res.end('hi\\n'));",
        "  await once(server.listen(3001), 'listening');",
        "  service.defer('close', () => new Promise((done) => server.close(() => done())));  // Node's own close: no drain",
        '});',
        '```',
        '<!-- doc-test: systemd-live after=closes.mjs -->',
        '```sh',
        'node closes.mjs   # Ctrl-C: the drain runs, exit code 0',
        '```',
        '<!-- doc-test: systemd-live -->',
        '```sh',
        'node -e \'console.log(JSON.stringify({ state: "running" }))\'   # {"state":"stopping"}',
        '```',
        '<!-- doc-test: systemd-live -->',
        '```sh',
        'true',
        'node -e \'process.exit(3)\'',
        '```',
      ].join('\n'),
      'docs-broken.md',
    );
    const [, noDrain, wrongBody, exits3] = sample;

    test('the sample is valid', () => {
      expect(sample.flatMap(markProblems)).toEqual([]);
    });

    test("a server closed by Node's own close() fails the drain: the keep-alive client loses a request", async () => {
      await expect(runBlock(noDrain!, sample)).rejects.toThrow(/docs-broken\.md:14: line 15: the keep-alive client saw no drain: \{"event":"lost"/u);
    });

    test('an output that is not the JSON of the comment fails', async () => {
      await expect(runBlock(wrongBody!, sample)).rejects.toThrow(/line 19: its output: expected \{ state: 'running' \} to deeply equal \{ state: 'stopping' \}/u);
    });

    test('a line without a comment that exits non-zero fails, with the transcript', async () => {
      await expect(runBlock(exits3!, sample)).rejects.toThrow(/line 24: the exit code: expected 3 to be \+0[\s\S]*\$ true {3}\(line 23\) -> exit 0/u);
    });
  });
});
