// A unit's output from the journal: journalctl by absolute path, with an
// argument array (no shell), read line by line as it prints them.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { commandPath, type CommandOverrides } from '../commands';
import { ServiceManagerError } from '../errors';

/** What journalctl is asked for. */
export interface JournalQuery {
  /** The unit, e.g. `api.service`. */
  unit: string;
  /** A unit of the user's manager: --user-unit instead of --unit. */
  user?: boolean;
  /** An offline root's journal (journalctl --root). */
  root?: string;
  /** -n: the last N entries. Default: all. */
  lines?: number;
  /** --since, ms since the epoch. */
  since?: number;
  /** -f: go on printing new entries. */
  follow?: boolean;
}

/**
 * journalctl's arguments: the message text only (`-o cat`, as the captured
 * files on Windows hold it), no pager, and every value joined to its option
 * so that none can be read as an option of its own.
 */
export function journalctlArgs(query: JournalQuery): string[] {
  return [
    ...(query.root === undefined ? [] : [`--root=${path.resolve(query.root)}`]),
    query.user ? `--user-unit=${query.unit}` : `--unit=${query.unit}`,
    '--no-pager',
    '--output=cat',
    ...(query.lines === undefined ? [] : [`--lines=${query.lines}`]),
    // journalctl reads @<seconds> as a moment; whole seconds, rounded down so nothing of the first second is missed.
    ...(query.since === undefined ? [] : [`--since=@${Math.floor(query.since / 1000)}`]),
    ...(query.follow ? ['--follow'] : []),
  ];
}

/** journalctl prints this when nothing matched; it is not a line of the service's. */
const NO_ENTRIES = '-- No entries --';

/**
 * The journal's lines for `query`. `notices` collects what journalctl says
 * on stderr while it exits 0 (a user who may not read the system journal is
 * told so there); a non-zero exit throws.
 */
export async function* readJournal(
  query: JournalQuery,
  options: {
    commands?: CommandOverrides;
    signal?: AbortSignal;
    service: string;
    notices?: string[];
    /** Another machine's journal (--host): the program (ssh) and its arguments, and its own failures typed (systemd-remote.ts). */
    via?: { program: string; args: string[]; failure: (code: number, said: string) => Error | undefined };
  },
): AsyncGenerator<string> {
  const program = options.via?.program ?? commandPath('journalctl', options.commands);
  const argv = options.via?.args ?? journalctlArgs(query);
  const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  const stop = (): void => void child.kill('SIGTERM');
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    let first = true;
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (first && line === NO_ENTRIES) continue;
      first = false;
      yield line;
    }
    const { code, error } = await exited;
    if (options.signal?.aborted) return;
    const said = stderr.trim();
    if (error) {
      throw new ServiceManagerError('ERR_SERVICEHOST_COMMAND_FAILED', options.service, error.code === 'ENOENT' ? `journalctl was not found (${program}): is this a systemd system?` : `journalctl could not run: ${error.message}`, error);
    }
    if (code !== 0 && code !== null) {
      const failure = options.via?.failure(code, said);
      if (failure) throw failure;
    }
    if (code !== 0) {
      const denied = /permission|access denied|insufficient/iu.test(said);
      throw new ServiceManagerError(
        denied ? 'ERR_SERVICEHOST_ACCESS_DENIED' : 'ERR_SERVICEHOST_COMMAND_FAILED',
        options.service,
        `journalctl ${argv.join(' ')} failed (exit ${code}): ${said || 'it said nothing'}${denied ? '. Run it as root (sudo), or as a member of the systemd-journal group' : ''}`,
      );
    }
    if (said !== '') options.notices?.push(...said.split('\n'));
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
