// The pure parts of the POSIX least-privilege check: the ACL attribute's
// format, the account files, the preloads named by node arguments and
// NODE_OPTIONS, the lookup of a path through its symlinks, and the walk's
// bounds. The end-to-end refusals are in test/linux/least-privilege-walk.test.ts.
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Accounts, parseGroup, parsePasswd, uidOf } from '../../lib/manage/accounts';
import { runTargets, windowsRunPaths } from '../../lib/manage/least-privilege';
import { aclWriters, parseAcl } from '../../lib/manage/posix-acl';
import { preloadsOf, resolvePreload, servicePreloads, splitNodeOptions } from '../../lib/manage/preloads';
import { parseEnvFile } from '../../lib/manage/delivered-files';
import { checkTrust, lookupEntries } from '../../lib/manage/run-tree';
import { resolveSpec } from '../../lib/manage/spec';
import { passwdHome } from '../../lib/manage/user-home';
import { tempFolders } from '../helpers/temp-folders';

const folders = tempFolders('servicehost-lpp-');
const temp = (): string => folders.make();

/** A system.posix_acl_* value as the kernel writes it. */
function acl(entries: Array<[tag: number, perm: number, id?: number]>): Uint8Array {
  const value = Buffer.alloc(4 + 8 * entries.length);
  value.writeUInt32LE(2, 0);
  entries.forEach(([tag, perm, id], index) => {
    value.writeUInt16LE(tag, 4 + index * 8);
    value.writeUInt16LE(perm, 6 + index * 8);
    value.writeUInt32LE(id ?? 0xffffffff, 8 + index * 8);
  });
  return value;
}

describe('POSIX ACLs', () => {
  test('named users and groups that may write, limited by the mask', () => {
    const entries = parseAcl(acl([[0x01, 7], [0x02, 7, 1001], [0x02, 5, 1002], [0x04, 5], [0x08, 6, 50], [0x10, 7], [0x20, 5]]));
    expect(entries[1]).toEqual({ tag: 'user', perm: 7, id: 1001 });
    expect(aclWriters(entries)).toEqual({ users: [1001], groups: [50], owningGroup: false, other: false });
    // A mask without write takes it from every named entry and the owning group.
    expect(aclWriters(parseAcl(acl([[0x01, 7], [0x02, 7, 1001], [0x04, 7], [0x10, 5], [0x20, 0]])))).toEqual({ users: [], groups: [], owningGroup: false, other: false });
    expect(aclWriters(parseAcl(acl([[0x01, 7], [0x04, 7], [0x20, 2]])))).toMatchObject({ owningGroup: true, other: true });
  });

  test('a value the kernel would not write is refused, not read as no ACL', () => {
    expect(() => parseAcl(new Uint8Array([1, 0, 0, 0]))).toThrow(/version 2/u);
    expect(() => parseAcl(acl([[0x40, 7]]))).toThrow(/unknown ACL tag/u);
    expect(() => parseAcl(new Uint8Array(7))).toThrow();
  });
});

describe('accounts, from /etc/passwd and /etc/group text', () => {
  const files = {
    passwd: 'root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000::/home/dev:/bin/sh\nsvc:x:998:997::/nonexistent:/usr/sbin/nologin\nbroken line\n',
    group: 'root:x:0:\ndev:x:1000:\nweb:x:33:dev,ghost\nsvc:x:997:\nempty:x:500:\n',
  };
  const accounts = new Accounts(files, false);

  test('users and groups are parsed; malformed lines are left out', () => {
    expect(parsePasswd(files.passwd).map((user) => user.name)).toEqual(['root', 'dev', 'svc']);
    expect(parseGroup(files.group).find((group) => group.name === 'web')?.members).toEqual(['dev', 'ghost']);
    expect(uidOf('dev', accounts)).toBe(1000);
    expect(uidOf('4242', accounts)).toBe(4242);
    expect(uidOf('nobody-here', accounts)).toBeUndefined();
    expect(passwdHome('dev', accounts)).toBe('/home/dev');
  });

  test("a group's users: its listed members and those whose primary group it is; a member with no account still counts", () => {
    expect(accounts.groupUsers(1000)?.users.map((user) => user.name)).toEqual(['dev']);
    expect(accounts.groupUsers(33)?.users.map((user) => [user.name, user.uid])).toEqual([['dev', 1000], ['ghost', -1]]);
    expect(accounts.groupUsers(997)?.users.map((user) => user.name)).toEqual(['svc']);
    expect(accounts.groupUsers(500)?.users).toEqual([]);
    expect(accounts.groupUsers(0)?.users.map((user) => user.name)).toEqual(['root']);
    expect(accounts.groupUsers(12345)).toBeUndefined();
  });

  test('no getent is run from PATH: a planted one is never started', () => {
    const bin = temp();
    const marker = path.join(bin, 'ran');
    writeFileSync(path.join(bin, 'getent'), `#!/bin/sh\necho ran > ${marker}\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved ?? ''}`;
    try {
      passwdHome('root');
      uidOf('root');
      uidOf(`no-such-user-${process.pid}`);
      new Accounts().groupUsers(0);
    } finally {
      process.env.PATH = saved;
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('preloads', () => {
  test('NODE_OPTIONS splits on spaces, keeping "quoted words" and their escapes', () => {
    expect(splitNodeOptions('--require  a.js --import "b c.mjs" --x="y\\"z"')).toEqual(['--require', 'a.js', '--import', 'b c.mjs', '--x=y"z']);
  });

  test('every file option, in the --x=v and --x v forms, -r too; -- ends them', () => {
    const found = preloadsOf(['--require=a', '-r', 'b', '--import', 'c', '--loader=d', '--experimental-loader', 'e', '--env-file=f', '--inspect', '--env-file-if-exists', 'g', '--', '--require', 'h']);
    expect(found.map((preload) => `${preload.option} ${preload.value}`)).toEqual(['--require a', '-r b', '--import c', '--loader d', '--experimental-loader e', '--env-file f', '--env-file-if-exists g']);
    expect(servicePreloads(['-r', 'x'], { NODE_OPTIONS: '--require y --max-old-space-size=100' }).map((preload) => preload.value)).toEqual(['x', 'y']);
  });

  test('resolved from the working directory as node would; what cannot be resolved says why', () => {
    const cwd = temp();
    mkdirSync(path.join(cwd, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(cwd, 'node_modules', 'dep', 'index.js'), '');
    writeFileSync(path.join(cwd, 'local.js'), '');
    expect(resolvePreload({ option: '--require', value: 'dep', resolve: true }, cwd)).toEqual({ file: path.join(cwd, 'node_modules', 'dep', 'index.js') });
    expect(resolvePreload({ option: '--import', value: './local.js', resolve: true }, cwd)).toEqual({ file: path.join(cwd, 'local.js') });
    expect(resolvePreload({ option: '--import', value: `file://${cwd}/local.js`, resolve: true }, cwd)).toEqual({ file: path.join(cwd, 'local.js') });
    expect(resolvePreload({ option: '--env-file', value: '.env', resolve: false }, cwd)).toEqual({ file: path.join(cwd, '.env') });
    expect(resolvePreload({ option: '--require', value: 'missing-package', resolve: true }, cwd)).toEqual({ none: `cannot be resolved from ${cwd}` });
    expect(resolvePreload({ option: '--import', value: 'data:text/javascript,1', resolve: true }, cwd)).toEqual({ unseen: expect.stringMatching(/^a data: URL /u) });
    expect(resolvePreload({ option: '--require', value: 'node:fs', resolve: true }, cwd)).toEqual({ none: 'a built-in module' });
  });

  test("what a spec runs: preloads as paths, their folders and every node_modules above as trees; an unresolvable preload and a working directory of / are said", () => {
    const root = temp();
    mkdirSync(path.join(root, 'app', 'node_modules'), { recursive: true });
    mkdirSync(path.join(root, 'tools'));
    writeFileSync(path.join(root, 'app', 'server.js'), '');
    writeFileSync(path.join(root, 'tools', 'pre.js'), '');
    const spec = resolveSpec({ name: 'x', script: path.join(root, 'app', 'server.js'), register: false, nodeArgs: [`--require=${root}/tools/pre.js`, '-r', 'nowhere'] }, 'systemd');
    const targets = runTargets(spec);
    expect(targets.paths).toContain(path.join(root, 'tools', 'pre.js'));
    expect(targets.trees).toEqual(expect.arrayContaining([path.join(root, 'app'), path.join(root, 'app', 'node_modules'), path.join(root, 'tools')]));
    expect(targets.warnings).toEqual([`-r nowhere: cannot be resolved from ${path.join(root, 'app')}, so it was not checked`]);
    // Windows asks its ACL check about the same preloads (its trees are not walked).
    expect(windowsRunPaths(spec)).toContain(path.join(root, 'tools', 'pre.js'));
    const withEnv = runTargets(resolveSpec({ name: 'x', script: path.join(root, 'app', 'server.js'), register: false, env: { LD_PRELOAD: `${root}/tools/pre.js`, LD_LIBRARY_PATH: `${root}/tools`, NODE_PATH: `${root}/app` } }, 'systemd'));
    expect(withEnv.paths).toContain(path.join(root, 'tools', 'pre.js'));
    expect(withEnv.trees).toContain(path.join(root, 'tools'));
    const atRoot = runTargets(resolveSpec({ name: 'x', script: path.join(root, 'app', 'server.js'), register: false, workingDirectory: '/' }, 'systemd'));
    expect(atRoot.trees).not.toContain('/');
    expect(atRoot.warnings).toContain('/ is the root of a file system: the folders below it were not walked');
  });
});

describe("an env file's NODE_OPTIONS", () => {
  test('KEY=value lines as systemd and node read them: comments, export, quotes, continuations', () => {
    const text = [
      '# a comment',
      '; another',
      'export NODE_OPTIONS="--require /opt/a.js --import \\"/opt/b c.mjs\\""',
      "SINGLE='x y'",
      'BARE = value with spaces  ',
      'CONTINUED=one\\',
      'two',
      'MULTI="line1',
      'line2"',
      'not a variable',
      '__proto__=polluted',
    ].join('\r\n');
    expect(parseEnvFile(text)).toEqual({ NODE_OPTIONS: '--require /opt/a.js --import "/opt/b c.mjs"', SINGLE: 'x y', BARE: 'value with spaces', CONTINUED: 'onetwo', MULTI: 'line1\nline2' });
    expect(Object.getPrototypeOf(parseEnvFile('__proto__=x'))).toBe(Object.prototype);
  });

  test('a preload an env file names is what the service runs: a path, its folder a tree; an unreadable env file is said', () => {
    const root = temp();
    mkdirSync(path.join(root, 'app'));
    mkdirSync(path.join(root, 'hooks'));
    writeFileSync(path.join(root, 'app', 'server.js'), '');
    writeFileSync(path.join(root, 'hooks', 'pre.js'), '');
    writeFileSync(path.join(root, 'app.env'), `NODE_OPTIONS=--require ${root}/hooks/pre.js\nLD_PRELOAD=${root}/hooks/lib.so\n`);
    const spec = resolveSpec({ name: 'x', script: path.join(root, 'app', 'server.js'), register: false, envFiles: [path.join(root, 'app.env'), path.join(root, 'gone.env')] }, 'systemd');
    const targets = runTargets(spec);
    expect(targets.paths).toEqual(expect.arrayContaining([path.join(root, 'app.env'), path.join(root, 'hooks', 'pre.js'), path.join(root, 'hooks', 'lib.so')]));
    expect(targets.trees).toContain(path.join(root, 'hooks'));
    expect(targets.warnings).toEqual([`${path.join(root, 'gone.env')}: ENOENT: the env file cannot be read here, so the NODE_OPTIONS it may set were not checked`]);
    expect(windowsRunPaths(resolveSpec({ name: 'x', script: path.join(root, 'app', 'server.js'), register: false, envFiles: [path.join(root, 'app.env')] }, 'windows'))).toContain(path.join(root, 'hooks', 'pre.js'));
  });
});

describe('the lookup of a path and the walk', () => {
  const options = (extra: object = {}) => ({ trustedUids: [], accounts: new Accounts({ passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\n' }, false), readAcl: () => undefined, ...extra });

  test('every entry the kernel meets: each link itself, and the links its target goes through', () => {
    const root = temp();
    for (const folder of ['a', 'b', 'c']) mkdirSync(path.join(root, folder));
    writeFileSync(path.join(root, 'c', 'real.js'), '');
    symlinkSync(path.join(root, 'c', 'real.js'), path.join(root, 'b', 'l2'));
    symlinkSync('../b/l2', path.join(root, 'a', 'l1'));
    const entries = lookupEntries(path.join(root, 'a', 'l1'));
    expect(entries).toEqual(expect.arrayContaining([path.join(root, 'a'), path.join(root, 'a', 'l1'), path.join(root, 'b'), path.join(root, 'b', 'l2'), path.join(root, 'c', 'real.js')]));
    expect(entries[0]).toBe('/');
  });

  test('past the bound of entries, depth or time, the walk stops and says what it did not check', () => {
    const root = temp();
    chmodSync(root, 0o755);
    let deep = root;
    for (let level = 0; level < 5; level++) {
      deep = path.join(deep, `d${level}`);
      mkdirSync(deep, { mode: 0o755 });
      for (let file = 0; file < 3; file++) writeFileSync(path.join(deep, `f${file}.js`), '');
    }
    expect(checkTrust([], [root], options()).warnings).toEqual([]);
    const byCount = checkTrust([], [root], options({ bounds: { maxEntries: 6, maxDepth: 32, maxMs: 10_000 } })).warnings;
    expect(byCount).toEqual([`the least-privilege walk stopped after 9 entries (its bound): not checked below ${path.join(root, 'd0', 'd1', 'd2')}`]);
    const byDepth = checkTrust([], [root], options({ bounds: { maxEntries: 1000, maxDepth: 2, maxMs: 10_000 } })).warnings;
    expect(byDepth).toEqual([`the least-privilege walk goes 2 folders deep: not checked below ${path.join(root, 'd0', 'd1', 'd2')}`]);
    let clock = 0;
    const byTime = checkTrust([], [root], options({ bounds: { maxEntries: 1000, maxDepth: 32, maxMs: 5 }, now: () => (clock += 3) })).warnings;
    expect(byTime[0]).toMatch(/^the least-privilege walk stopped after 5 ms \(its bound\): not checked below /u);
  });

  test('a world-writable folder inside a tree is a finding even when sticky; on the way to a path (/tmp) a sticky one is not', () => {
    const root = temp();
    chmodSync(root, 0o755);
    const shared = path.join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(checkTrust([], [root], options()).findings).toEqual([{ path: shared, why: 'writable by everyone' }]);
    expect(checkTrust([path.join(shared, 'x.js')], [], options()).findings).toEqual([]);
  });

  test('an ACL that cannot be read is a finding, not a pass', () => {
    const root = temp();
    const result = checkTrust([root], [], options({ readAcl: () => {
      throw Object.assign(new Error('no'), { code: 'EIO' });
    } }));
    expect(result.findings[0]).toEqual({ path: '/', why: 'its ACL cannot be read (EIO)' });
  });
});
