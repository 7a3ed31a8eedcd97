// `servicehost install|configure` as root in a private mount namespace
// (unshare -m, ../fixtures/private-systemd.js): /etc/systemd/system is a
// tmpfs there and /usr/bin/systemctl a recording stand-in, so a system-scope
// verb touches none of the host's units. What the verb wrote and the
// systemctl calls it made come back.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixturesDir } from './child';

export const UNSHARE = '/usr/bin/unshare';
const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface PrivateRun {
  code: number;
  stderr: string;
  /** Unit file name to text: all of /etc/systemd/system after the verb. */
  units: Record<string, string>;
  /** Each systemctl argv, in order. */
  systemctl: string[][];
}

/** Can run here: root on Linux, with unshare. */
export const canRunPrivate = process.platform === 'linux' && process.getuid?.() === 0 && existsSync(UNSHARE);

/** `servicehost <verb> --name <name> [--no-start] <args>`, starting from the units in `seed` (an earlier run's `units`). */
export function privateServicehost(verb: 'install' | 'configure', name: string, args: readonly string[], seed: Record<string, string> = {}): Promise<PrivateRun> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'servicehost-private-'));
  const dump = path.join(work, 'units.json');
  const log = path.join(work, 'systemctl.log');
  const seedFile = path.join(work, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  return new Promise((resolve) => {
    execFile(
      UNSHARE,
      ['-m', process.execPath, path.join(fixturesDir, 'private-systemd.js'), process.execPath, cli, verb, '--name', name, ...(verb === 'install' ? ['--no-start'] : []), ...args],
      { env: { ...process.env, FAKE_COMMAND_LOG: log, PRIVATE_SYSTEMD_DUMP: dump, PRIVATE_SYSTEMD_SEED: seedFile } },
      (error, _stdout, stderr) => {
        const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
        resolve({
          code: error ? Number((error as { code?: number }).code) : 0,
          stderr,
          units: JSON.parse(read(dump) || '{}') as Record<string, string>,
          systemctl: read(log).split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]),
        });
        rmSync(work, { recursive: true, force: true });
      },
    );
  });
}
