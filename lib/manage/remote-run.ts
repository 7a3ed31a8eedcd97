// Runs a program that talks to another machine (systemctl -H and the ssh it
// starts, ssh itself, a child servicehost for a Windows host) with a deadline
// that holds: the program gets a session and process group of its own, so at
// the deadline or on abort the whole group ends, ssh included, even while ssh
// is still connecting. With no controlling terminal, ssh cannot ask for a
// password or a host key: a host that needs one fails at once instead of
// waiting on a prompt nobody sees.
import { spawn } from 'node:child_process';

/** The programs a remote run may start find ssh here, never on the caller's PATH (systemctl -H runs plain `ssh`). */
const REMOTE_PATH = '/usr/bin:/bin';

interface RemoteRunOptions {
  /** Ends the run (the whole process group) after this long. */
  timeoutMs: number;
  /** Ends the run on abort. */
  signal?: AbortSignal | undefined;
  /** Environment; default: this process's with PATH set to {@link REMOTE_PATH} and ssh's askpass turned off. */
  env?: NodeJS.ProcessEnv;
  /** false: stdout and stderr go nowhere (node.exe under Wine dies on pipes; the child writes a file instead). Default true. */
  capture?: boolean;
}

type RemoteRunResult =
  | { outcome: 'exited'; code: number; stdout: string; stderr: string }
  | { outcome: 'timeout' | 'aborted'; stdout: string; stderr: string }
  | { outcome: 'spawn-failed'; error: NodeJS.ErrnoException; stdout: string; stderr: string };

/** The environment a remote run gets: ssh from the standard places only, and never an askpass program. */
function remoteEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: REMOTE_PATH, SSH_ASKPASS_REQUIRE: 'never' };
}

/** Runs `program` with `args` (an argument array, no shell) and resolves with how it ended; never rejects. */
export function runRemote(program: string, args: readonly string[], options: RemoteRunOptions): Promise<RemoteRunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let ended: 'timeout' | 'aborted' | undefined;
    // detached: setsid(), so the group can be ended as one and ssh has no terminal to prompt on.
    const capture = options.capture !== false;
    const child = spawn(program, args, { stdio: ['ignore', capture ? 'pipe' : 'ignore', capture ? 'pipe' : 'ignore'], detached: true, env: options.env ?? remoteEnvironment(), windowsHide: true });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const end = (why: 'timeout' | 'aborted'): void => {
      ended ??= why;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => end('timeout'), options.timeoutMs);
    const onAbort = (): void => end('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const finish = (result: RemoteRunResult): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish({ outcome: 'spawn-failed', error, stdout, stderr }));
    child.once('close', (code) => {
      if (ended !== undefined) return finish({ outcome: ended, stdout, stderr });
      finish({ outcome: 'exited', code: code ?? -1, stdout, stderr });
    });
  });
}

/** Ends the process group `pid` leads (POSIX), or the process (Windows, where the child has no group of its own). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
