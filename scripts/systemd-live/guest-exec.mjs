// Runs one command inside a booted guest and returns its exit code and
// output. The guest is named by a plain object (it crosses from vitest's
// globalSetup to the test workers): { kind: 'nsenter', pid } enters the
// namespaces of the guest's PID 1, by PID, so the command sees the guest's
// root, /run, PID namespace and network, never the machine's.
import { spawn } from 'node:child_process';

const GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The argv that runs `argv` in the guest with a clean environment (nothing of the host's leaks in). */
export function guestCommand(target, argv, { env = {}, cwd } = {}) {
  if (target?.kind !== 'nsenter' || !Number.isInteger(target.pid) || target.pid <= 1) {
    throw new Error(`systemd-live: no guest to run ${argv.join(' ')} in (${JSON.stringify(target)})`);
  }
  const environment = Object.entries({ PATH: GUEST_PATH, HOME: '/root', LANG: 'C.UTF-8', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0', ...env }).map(([key, value]) => `${key}=${value}`);
  return [
    'nsenter',
    `--target=${target.pid}`,
    '--mount', '--uts', '--ipc', '--net', '--pid', '--cgroup',
    // The guest's root and working directory, not the machine's.
    '--root', '--wd',
    '--',
    '/usr/bin/env', '-i', ...(cwd ? [`--chdir=${cwd}`] : []), ...environment,
    ...argv,
  ];
}

/**
 * Runs `argv` in the guest. Never throws for a non-zero exit; a command still
 * running at `timeoutMs` is killed with its process group and reported as
 * exit code 124 (as timeout(1) does), with `timedOut: true`.
 */
export function runInGuest(target, argv, { timeoutMs = 60_000, env, cwd, input } = {}) {
  const [command, ...args] = guestCommand(target, argv, { env, cwd });
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // Its own process group, so a timeout ends nsenter's child in the guest too.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : code ?? 128 + (signal ? 9 : 0), stdout, stderr, timedOut, durationMs: Date.now() - started });
    });
  });
}
