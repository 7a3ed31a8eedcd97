// Where the least-privilege walk stops: a link to / (or into /proc, /sys,
// /dev) is not a tree the service's code lives in, and walking it met
// /proc/1/cwd, whose readlink fails (EACCES) even as root in a container,
// which surfaced as a raw Error (exit 1). Now each is a warning with its path.
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Accounts } from '../../lib/manage/accounts';
import { checkTrust } from '../../lib/manage/run-tree';

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});
function temp(): string {
  const folder = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpb-')));
  made.push(folder);
  chmodSync(folder, 0o755);
  return folder;
}
const options = (extra: object = {}) => ({ trustedUids: [], accounts: new Accounts({ passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\n' }, false), readAcl: () => undefined, ...extra });

describe.runIf(process.platform === 'linux')('the walk stays inside what the service reads', () => {
  test.each([
    ['/', '/'],
    ['/proc/self', '/proc'],
    ['/sys/kernel', '/sys'],
    ['/dev', '/dev'],
  ])('a link to %s inside the app is not walked: a warning names it, and the walk meets no bound', (target) => {
    const app = temp();
    mkdirSync(path.join(app, 'node_modules'), { mode: 0o755 });
    writeFileSync(path.join(app, 'server.js'), '');
    symlinkSync(target, path.join(app, 'node_modules', 'z'));
    const result = checkTrust([], [app], options({ bounds: { maxEntries: 2000, maxDepth: 32, maxMs: 10_000 } }));
    expect(result.warnings.filter((warning) => /its bound/u.test(warning))).toEqual([]);
    expect(result.warnings).toContainEqual(expect.stringContaining(`${path.join(app, 'node_modules', 'z')} leads to`));
  });

  test('a path through a link whose target cannot be read (/proc/1/cwd): a warning with the path, no raw error', () => {
    let readable = true;
    try {
      require('node:fs').readlinkSync('/proc/1/cwd');
    } catch {
      readable = false;
    }
    const app = temp();
    symlinkSync('/proc/1/cwd', path.join(app, 'cwd'));
    const result = checkTrust([path.join(app, 'cwd', 'server.js')], [], options());
    if (!readable) expect(result.warnings).toContainEqual(expect.stringContaining('/proc/1/cwd'));
    expect(result.findings).toEqual([]);
  });
});
