// How the ring starts a fixture with the Node under test: natively, under
// qemu-aarch64-static, inside the bullseye root (chroot), or under Wine on a
// pseudo-terminal. Fixtures report JSON lines to a file (COMPAT_REPORT), so
// every runner reads them the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Report = Record<string, unknown>;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** What the fixture reported so far. */
  reports(): Report[];
  waitFor(what: string, match: (report: Report) => boolean, timeoutMs?: number): Promise<Report>;
  /** The runner's way to ask for a stop: SIGTERM, or Ctrl-C typed at the terminal under Wine. */
  requestStop(): void;
  /** stdout and stderr (under Wine: the terminal's text), for failure messages. */
  output(): string;
  kill(): void;
}

export interface Runner {
  readonly label: string;
  /** How requestStop() asks: 'SIGTERM' or 'ctrl-c'. */
  readonly stopBy: 'SIGTERM' | 'ctrl-c';
  /** Timeouts scale with it: qemu and Wine are slower than native. */
  readonly slowness: number;
  launch(script: string, options?: { env?: NodeJS.ProcessEnv; args?: string[] }): Launched;
}

let launches = 0;

function readReports(file: string): Report[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Report;
      } catch {
        return { unparsed: line };
      }
    });
}

interface RunnerSpec {
  label: string;
  stopBy: 'SIGTERM' | 'ctrl-c';
  slowness?: number;
  /** The consumer project, as this host sees it. */
  dir: string;
  /** A host path as the Node under test sees it. */
  toTarget?: (hostPath: string) => string;
  /** The command line that runs `node <args>` in the consumer, with `env` (the child's whole environment). */
  command: (nodeArgs: string[], cwd: string, env: NodeJS.ProcessEnv) => [string, string[]];
  env: NodeJS.ProcessEnv;
}

export function makeRunner(spec: RunnerSpec): Runner {
  const toTarget = spec.toTarget ?? ((hostPath: string) => hostPath);
  const slowness = spec.slowness ?? 1;
  return {
    label: spec.label,
    stopBy: spec.stopBy,
    slowness,
    launch(script, options = {}) {
      const reportsDir = path.join(spec.dir, 'reports');
      mkdirSync(reportsDir, { recursive: true });
      const reportFile = path.join(reportsDir, `${process.pid}-${++launches}.jsonl`);
      const env = { ...spec.env, ...options.env, COMPAT_REPORT: toTarget(reportFile) };
      const [command, args] = spec.command([toTarget(path.join(spec.dir, script)), ...(options.args ?? [])], toTarget(spec.dir), env);
      const child = spawn(command, args, {
        cwd: spec.dir,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
      let done = false;
      void exited.then(() => (done = true));
      return {
        child,
        exited,
        reports: () => readReports(reportFile),
        async waitFor(what, match, timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs * slowness;
          for (;;) {
            const found = readReports(reportFile).find(match);
            if (found) return found;
            if (done || Date.now() > deadline) {
              throw new Error(
                `${spec.label}: ${done ? 'the program ended' : `no report within ${timeoutMs * slowness} ms`} before ${what}; reports: ${JSON.stringify(readReports(reportFile))}; output:\n${output}`,
              );
            }
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        },
        requestStop() {
          if (spec.stopBy === 'ctrl-c') child.stdin!.write('\x03');
          else child.kill('SIGTERM');
        },
        output: () => output,
        kill() {
          if (!done) child.kill('SIGKILL');
        },
      };
    },
  };
}

/** Runs a fixture to its end: exit and reports. */
export async function runToEnd(runner: Runner, script: string, options: { env?: NodeJS.ProcessEnv; args?: string[]; timeoutMs?: number } = {}) {
  const launched = runner.launch(script, options);
  const timeoutMs = (options.timeoutMs ?? 30_000) * runner.slowness;
  const timer = setTimeout(() => launched.kill(), timeoutMs);
  try {
    const exit = await launched.exited;
    return { exit, reports: launched.reports(), output: launched.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** `node` natively. */
export function nativeRunner(label: string, node: string, dir: string, env: NodeJS.ProcessEnv): Runner {
  return makeRunner({ label, stopBy: 'SIGTERM', dir, env, command: (args) => [node, args] });
}

/** The arm64 `node` under qemu-aarch64-static, with the cross toolchain's arm64 libraries. */
export function qemuRunner(label: string, qemu: string, node: string, dir: string, env: NodeJS.ProcessEnv): Runner {
  return makeRunner({
    label,
    stopBy: 'SIGTERM',
    slowness: 4,
    dir,
    env: { ...env, QEMU_LD_PREFIX: '/usr/aarch64-linux-gnu' },
    command: (args) => [qemu, [node, ...args]],
  });
}

/**
 * `node` inside an older root: a mount namespace of its own (unshare) gets a
 * /proc, then chroot; each step execs the next, so the pid spawned is the
 * Node under test and gets the SIGTERM itself. `node` and `dir` are host
 * paths inside `root`; the mount vanishes with the namespace.
 */
export function chrootRunner(
  label: string,
  programs: { unshare: string; mount: string; chroot: string; privileged: (command: string, args: string[], env: NodeJS.ProcessEnv) => [string, string[]] },
  root: string,
  node: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): Runner {
  const inside = (hostPath: string) => `/${path.relative(root, hostPath)}`;
  const script = 'mount=$1; chroot=$2; root=$3; cwd=$4; shift 4; "$mount" -t proc proc "$root/proc" && exec "$chroot" "$root" /bin/sh -c \'cd "$0" && exec "$@"\' "$cwd" "$@"';
  return makeRunner({
    label,
    stopBy: 'SIGTERM',
    dir,
    env: { ...env, PATH: '/usr/bin:/bin' },
    toTarget: inside,
    // Under sudo the SIGTERM goes to sudo, which passes it on to the command.
    command: (args, cwd, env) =>
      programs.privileged(programs.unshare, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', programs.mount, programs.chroot, root, cwd, inside(node), ...args], env),
  });
}

/** A host path as Wine's Windows side sees it: / is drive Z:. */
export function toWinePath(hostPath: string): string {
  return `Z:${path.resolve(hostPath).replaceAll('/', '\\')}`;
}

/**
 * node.exe under Wine on a pseudo-terminal (Python's pty.spawn): a real
 * console, so that Ctrl-C ("\x03" on stdin) reaches the console handler, and
 * no pipes for node.exe's stdout, which would end it with EBADF.
 */
export function wineRunner(label: string, wine: string, nodeExe: string, dir: string, env: NodeJS.ProcessEnv): Runner {
  const spawnOnPty = 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)';
  return makeRunner({
    label,
    stopBy: 'ctrl-c',
    slowness: 3,
    dir,
    env,
    toTarget: toWinePath,
    command: (args) => ['python3', ['-c', spawnOnPty, wine, nodeExe, ...args]],
  });
}
