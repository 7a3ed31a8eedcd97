// `servicehost logs` under systemd as users run it (a child process of
// dist/cli.js), with a recording journalctl stand-in: the exact argv each
// option gives, --follow's default of 10 lines, journalctl's "no entries"
// and a refusal. The live ring (test/systemd-live/logs.test.ts) reads a real journal.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** An offline root holding api.service, and a journalctl that records its argv, prints `output`, says `stderr` and exits `code`. */
function setup(output: string, { code = 0, stderr = '' } = {}): { root: string; journalctl: string; calls: () => string[][] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-logs-cli-'));
  folders.push(dir);
  const root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'etc', 'systemd', 'system'), { recursive: true });
  writeFileSync(path.join(root, 'etc', 'systemd', 'system', 'api.service'), '[Service]\nExecStart=/bin/true\n');
  const log = path.join(dir, 'calls.jsonl');
  const journalctl = path.join(dir, 'journalctl');
  // Started by the kernel through its #! line: no shell is involved.
  writeFileSync(
    journalctl,
    `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n` +
      `process.stdout.write(${JSON.stringify(output)});\nprocess.stderr.write(${JSON.stringify(stderr)});\nprocess.exitCode = ${code};\n`,
  );
  chmodSync(journalctl, 0o755);
  return { root, journalctl, calls: () => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) };
}

function servicehost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('servicehost logs (systemd), with a journalctl stand-in', () => {
  test('--lines and --since become --lines=N and --since=@<seconds>; the lines are printed as journalctl gives them', async () => {
    const { root, journalctl, calls } = setup('listening on 8080\nError: EADDRINUSE\n');
    const run = await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl, '--lines', '5', '--since', '@1764936000']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('listening on 8080\nError: EADDRINUSE\n');
    expect(calls()).toEqual([[`--root=${root}`, '--unit=api.service', '--no-pager', '--output=cat', '--lines=5', '--since=@1764936000']]);
  });

  test('--follow shows the last 10 unless told otherwise, and ends when journalctl does', async () => {
    const { root, journalctl, calls } = setup('a line\n');
    expect((await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl, '--follow'])).code).toBe(0);
    expect((await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl, '--follow', '--lines', '3'])).code).toBe(0);
    expect(calls().map((argv) => argv.slice(-2))).toEqual([['--lines=10', '--follow'], ['--lines=3', '--follow']]);
  });

  test('"-- No entries --" is no output yet: said on stderr, exit 0', async () => {
    const { root, journalctl } = setup('-- No entries --\n');
    const run = await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain('api has written no output yet (journalctl ');
  });

  test('journalctl refusing access is exit 5; a bad --since is exit 2; a unit that is not there is exit 4', async () => {
    const { root, journalctl } = setup('', { code: 1, stderr: 'Failed to open journal: Permission denied\n' });
    const denied = await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl]);
    expect(denied.code).toBe(5);
    expect(denied.stderr).toContain('Permission denied');
    expect((await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl, '--since', 'soon'])).code).toBe(2);
    expect((await servicehost(['logs', 'nope', '--root', root, '--journalctl', journalctl])).code).toBe(4);
  });
});
