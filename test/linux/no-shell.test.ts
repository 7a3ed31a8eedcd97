// No shell anywhere: every program servicehost starts is started directly,
// with an argument array. strace records every execve of the command and its
// children while it installs, queries and removes a service whose arguments
// are full of shell metacharacters; none may be a shell.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

function straceProblem(): string | undefined {
  if (process.platform !== 'linux') return `strace and systemd are Linux's; on ${process.platform} the launchd manager is covered by the unit ring`;
  try {
    execFileSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return `strace cannot trace here (${(error as Error).message.split('\n')[0]}); apt-get install strace, and allow ptrace`;
  }
}
const problem = straceProblem();
if (problem && process.env.CI === 'true' && process.platform === 'linux') throw new Error(problem);

function traced(args: string[], env: NodeJS.ProcessEnv, trace: string): Promise<number> {
  return new Promise((resolve) => {
    execFile('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, process.execPath, cli, ...args], { env: { ...process.env, ...env } }, (error) =>
      resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
    );
  });
}

function programsRun(trace: string): string[] {
  return [...readFileSync(trace, 'utf8').matchAll(/execve\("([^"]+)"/gu)].map((match) => match[1]!);
}

describe.skipIf(problem !== undefined)(`no shell is ever started${problem ? ` (skipped: ${problem})` : ''}`, () => {
  test('install, status, stop and uninstall with hostile arguments start systemctl directly, never sh', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-noshell-'));
    const trace = path.join(dir, 'trace');
    const hostile = ['$(touch pwned)', '`touch pwned`', '; touch pwned', '| touch pwned', "' \" \\", '&& touch pwned'];
    const root = path.join(dir, 'root');
    const env = { FAKE_COMMAND_LOG: path.join(dir, 'systemctl.log'), XDG_CONFIG_HOME: dir };
    const fake = ['--systemctl', path.join(fixturesDir, 'fake-manager-command.js')];
    const runs: Array<[string[], NodeJS.ProcessEnv]> = [
      [['install', '--name', 'noshell', '--root', root, '--description', '$(touch pwned)', '--', 'app.js', ...hostile], env],
      [['uninstall', 'noshell', '--root', root], env],
      [['install', '--name', 'noshell', '--user', ...fake, '--', 'app.js', ...hostile], env],
      [['status', 'noshell', '--user', ...fake], env],
      [['stop', 'noshell', '--user', ...fake], env],
    ];
    const programs: string[] = [];
    for (const [args, runEnv] of runs) {
      const code = await traced(args, runEnv, trace);
      expect(code, args.join(' ')).toBeLessThanOrEqual(3);
      programs.push(...programsRun(trace));
    }
    // The trace saw the children: systemctl itself, and the stand-in.
    expect(programs.some((program) => program.endsWith('/systemctl'))).toBe(true);
    expect(programs.some((program) => program.endsWith('fake-manager-command.js'))).toBe(true);
    const shells = programs.filter((program) => /(^|\/)(sh|bash|dash|zsh|ksh)$/u.test(program));
    expect(shells).toEqual([]);
    expect(readFileSync(path.join(dir, 'systemctl.log'), 'utf8')).not.toContain('pwned');
  });

  test('the check can fail: a command run through a shell shows up in the trace', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-noshell-'));
    const trace = path.join(dir, 'trace');
    await new Promise((resolve) => execFile('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, process.execPath, '-e', "require('child_process').execSync('true')"], resolve));
    expect(programsRun(trace).some((program) => /(^|\/)sh$/u.test(program))).toBe(true);
  });
});
