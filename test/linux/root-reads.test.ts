// Reads under an offline root (`query`, `logs`, `list` with --root) make the
// write side's walk (lib/manage/definition-folder.ts): no entry inside the
// root on the way to what is read may be a symlink, and no folder on the way
// another user's, so root running `servicehost logs --root /img` cannot be
// made to read a unit, a unit folder or a journal outside the image that a
// local user linked in. Before, each read followed the link. A journalctl
// stand-in records whether it was run at all.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { UNIT_MARKER } from '../../lib/manage/systemd/unit';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const OTHER = 1000;
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const UNIT = `${UNIT_MARKER}\n[Unit]\nDescription=api\n[Service]\nExecStart=/bin/true\n`;

/**
 * An image holding etc/systemd/system/api.service (ours), a folder beside it
 * ("elsewhere": this machine's, outside the image) holding a unit and a
 * journal folder, and a journalctl that records its argv and prints a line.
 */
function setup(): { root: string; system: string; elsewhere: string; journalctl: string; calls: () => string[][] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-root-reads-'));
  folders.push(dir);
  chmodSync(dir, 0o755);
  const root = path.join(dir, 'img');
  const system = path.join(root, 'etc', 'systemd', 'system');
  mkdirSync(system, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(system, 'api.service'), UNIT);
  const elsewhere = path.join(dir, 'elsewhere');
  mkdirSync(path.join(elsewhere, 'systemd', 'system'), { recursive: true, mode: 0o755 });
  mkdirSync(path.join(elsewhere, 'journal'), { mode: 0o755 });
  writeFileSync(path.join(elsewhere, 'systemd', 'system', 'api.service'), `${UNIT_MARKER}\n[Unit]\nDescription=not the image's\n`);
  writeFileSync(path.join(elsewhere, 'systemd', 'system', 'host-only.service'), `${UNIT_MARKER}\n`);
  const log = path.join(dir, 'calls.jsonl');
  const journalctl = path.join(dir, 'journalctl');
  // Started by the kernel through its #! line: no shell is involved.
  writeFileSync(journalctl, `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');\nprocess.stdout.write('a line\\n');\n`);
  chmodSync(journalctl, 0o755);
  return { root, system, elsewhere, journalctl, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) : []) };
}

function servicehost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Replaces `entry` (inside the image) by a link to `target`. */
function link(entry: string, target: string): void {
  rmSync(entry, { recursive: true, force: true });
  symlinkSync(target, entry);
}

describe.runIf(process.platform === 'linux')('reads under --root do not follow a link inside the image', () => {
  test('logs: the image as it should be is read (journalctl --root runs)', async () => {
    const { root, journalctl, calls } = setup();
    const run = await servicehost(['logs', 'api', '--root', root, '--journalctl', journalctl]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('a line\n');
    expect(calls()).toHaveLength(1);
  });

  test.each([
    ['the unit file', (s: ReturnType<typeof setup>) => link(path.join(s.system, 'api.service'), path.join(s.elsewhere, 'systemd', 'system', 'api.service')), 'etc/systemd/system/api.service'],
    ['a folder on the way to the unit (etc/systemd)', (s: ReturnType<typeof setup>) => link(path.join(s.root, 'etc', 'systemd'), path.join(s.elsewhere, 'systemd')), 'etc/systemd'],
    ['the journal folder (var/log/journal)', (s: ReturnType<typeof setup>) => {
      mkdirSync(path.join(s.root, 'var', 'log'), { recursive: true, mode: 0o755 });
      symlinkSync(path.join(s.elsewhere, 'journal'), path.join(s.root, 'var', 'log', 'journal'));
    }, 'var/log/journal'],
  ] as const)('logs, with %s a link out of the image: refused (exit 10) naming it, journalctl never run', async (_label, plant, named) => {
    const s = setup();
    plant(s);
    const run = await servicehost(['logs', 'api', '--root', s.root, '--journalctl', s.journalctl]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`Refusing to read the output of "api"`);
    expect(run.stderr).toContain(`${path.join(s.root, named)}: a symlink: servicehost does not read through a link inside --root`);
    expect(s.calls()).toEqual([]);
  });

  test('status (query), with the unit file a link out of the image: refused (exit 10); nothing of the linked file is printed', async () => {
    const s = setup();
    link(path.join(s.system, 'api.service'), path.join(s.elsewhere, 'systemd', 'system', 'api.service'));
    const run = await servicehost(['status', 'api', '--root', s.root]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain('Refusing to query "api"');
    expect(`${run.stdout}${run.stderr}`).not.toContain("not the image's");
  });

  test("list: etc/systemd a link out of the image is refused (exit 10); a unit that is a link is not ours, and not read", async () => {
    const s = setup();
    const plain = await servicehost(['list', '--root', s.root, '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toEqual([{ name: 'api', displayName: 'api', state: 'unknown' }]);
    symlinkSync(path.join(s.elsewhere, 'systemd', 'system', 'host-only.service'), path.join(s.system, 'host-only.service'));
    const withLink = await servicehost(['list', '--root', s.root, '--json']);
    expect(withLink.code, withLink.stderr).toBe(0);
    expect(JSON.parse(withLink.stdout)).toEqual([{ name: 'api', displayName: 'api', state: 'unknown' }]);
    link(path.join(s.root, 'etc', 'systemd'), path.join(s.elsewhere, 'systemd'));
    const refused = await servicehost(['list', '--root', s.root, '--json']);
    expect(refused.code, refused.stdout).toBe(10);
    // --json: the error is the JSON on stdout.
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'ERR_SERVICEHOST_UNSAFE_PATH', message: expect.stringContaining(`Refusing to list the services in "${s.root}"`) } });
    expect(refused.stdout).not.toContain('host-only');
  });

  test.runIf(process.getuid?.() === 0)('a folder inside the image another user owns (who could swap in a link after the check): refused as the write side refuses it', async () => {
    const s = setup();
    chownSync(path.join(s.root, 'etc', 'systemd'), OTHER, OTHER);
    const run = await servicehost(['logs', 'api', '--root', s.root, '--journalctl', s.journalctl]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`${path.join(s.root, 'etc', 'systemd')}: it is owned by uid ${OTHER}`);
    expect(s.calls()).toEqual([]);
  });
});
