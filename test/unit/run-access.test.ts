// The account a service runs as must reach what it runs (outside tester 2,
// F6: a root-only 0700 app installed for --run-as and --dynamic-user with
// exit 0, then "Cannot find module" at every start). The pure parts: the
// kernel's access rule (modes and POSIX ACLs), who the account is, which
// entry on the way stops it, the refusal's words, and --allow-writable
// saying each path it let through.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Accounts } from '../../lib/manage/accounts';
import { refuseUnreadable, refuseWritable, runTargets } from '../../lib/manage/least-privilege';
import { EXECUTE, READ, aclAllows, modeAcl, type AclEntry } from '../../lib/manage/posix-acl';
import { DYNAMIC_ACCOUNT, accessFindings, serviceAccount, type ServiceAccount } from '../../lib/manage/run-access';
import { resolveSpec } from '../../lib/manage/spec';
import { tempFolders } from '../helpers/temp-folders';

const folders = tempFolders('servicehost-ra-', 0o755);

const owner = { uid: 0, gid: 0 };
const stranger: ServiceAccount = { label: 'app', uid: 4242, gids: [4242] };

describe('aclAllows: the kernel\'s access rule', () => {
  test('by mode: the owner\'s bits, else the group\'s for a member, else others\'', () => {
    expect(aclAllows(modeAcl(0o700), { uid: 4242, gid: 0 }, stranger, READ | EXECUTE)).toBe(true);
    expect(aclAllows(modeAcl(0o700), owner, stranger, EXECUTE)).toBe(false);
    expect(aclAllows(modeAcl(0o710), { uid: 0, gid: 4242 }, stranger, EXECUTE)).toBe(true);
    expect(aclAllows(modeAcl(0o701), owner, stranger, EXECUTE)).toBe(true);
    expect(aclAllows(modeAcl(0o701), owner, stranger, READ)).toBe(false);
  });

  test('a group member gets the group\'s bits even when others have more (no fall through)', () => {
    expect(aclAllows(modeAcl(0o705), { uid: 0, gid: 4242 }, stranger, READ)).toBe(false);
  });

  test('a POSIX ACL: a named user within the mask, a named group, the mask limiting both', () => {
    const acl = (userPerm: number, mask: number): AclEntry[] => [
      { tag: 'user_obj', perm: 7 }, { tag: 'user', perm: userPerm, id: 4242 }, { tag: 'group_obj', perm: 0 }, { tag: 'group', perm: 5, id: 77 }, { tag: 'mask', perm: mask }, { tag: 'other', perm: 0 },
    ];
    expect(aclAllows(acl(5, 7), owner, stranger, READ | EXECUTE)).toBe(true);
    expect(aclAllows(acl(5, 4), owner, stranger, EXECUTE)).toBe(false);
    expect(aclAllows(acl(0, 7), owner, { uid: 5, gids: [77] }, READ)).toBe(true);
    expect(aclAllows(acl(0, 0), owner, { uid: 5, gids: [77] }, READ)).toBe(false);
  });

  test('a dynamic user (no uid known in advance, no groups) gets only others\' bits, whoever the ACL names', () => {
    const entries: AclEntry[] = [{ tag: 'user_obj', perm: 7 }, { tag: 'user', perm: 7, id: 61184 }, { tag: 'group_obj', perm: 7 }, { tag: 'mask', perm: 7 }, { tag: 'other', perm: 1 }];
    expect(aclAllows(entries, owner, DYNAMIC_ACCOUNT, EXECUTE)).toBe(true);
    expect(aclAllows(entries, owner, DYNAMIC_ACCOUNT, READ)).toBe(false);
  });
});

describe('serviceAccount: the uid and groups a service gets (User=, Group=, initgroups)', () => {
  const accounts = new Accounts({ passwd: 'app:x:1000:1000::/home/app:/bin/sh\n', group: 'app:x:1000:\nweb:x:33:app,other\ntools:x:50:\n' }, false);
  test('its own primary group and every group that lists it; Group= replaces the primary one', () => {
    expect(serviceAccount(accounts, 'app')).toEqual({ label: 'app', uid: 1000, gids: [1000, 33] });
    expect(serviceAccount(accounts, '1000', 'tools')).toEqual({ label: '1000', uid: 1000, gids: [50, 33] });
  });
  test('an account (or group) the database does not hold: undefined, so the caller says it was not checked', () => {
    expect(serviceAccount(accounts, 'ghost')).toBeUndefined();
    expect(serviceAccount(accounts, 'app', 'nogroup')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('accessFindings: the first entry on the way that stops the account', () => {
  function app(folderMode: number, fileMode: number): { top: string; script: string } {
    const top = folders.make();
    mkdirSync(path.join(top, 'app'));
    writeFileSync(path.join(top, 'app', 'server.js'), '');
    chmodSync(path.join(top, 'app'), folderMode);
    chmodSync(path.join(top, 'app', 'server.js'), fileMode);
    return { top, script: path.join(top, 'app', 'server.js') };
  }

  test('a 0700 folder stops the script and the working directory; 0711 with a 0600 script stops the read only', () => {
    const closed = app(0o700, 0o644);
    const found = accessFindings([{ path: closed.script, access: 'read' }, { path: path.dirname(closed.script), access: 'enter' }], stranger, undefined);
    expect(found).toEqual([
      { path: closed.script, blocked: path.dirname(closed.script), lacks: 'search it (x)', entry: expect.stringMatching(/mode 0700$/u) },
      { path: path.dirname(closed.script), blocked: path.dirname(closed.script), lacks: 'search it (x)', entry: expect.stringMatching(/mode 0700$/u) },
    ]);
    const unreadable = app(0o711, 0o600);
    expect(accessFindings([{ path: unreadable.script, access: 'read' }, { path: path.dirname(unreadable.script), access: 'enter' }], stranger, undefined)).toEqual([
      { path: unreadable.script, blocked: unreadable.script, lacks: 'read it (r)', entry: expect.stringMatching(/mode 0600$/u) },
    ]);
    expect(accessFindings([{ path: app(0o755, 0o644).script, access: 'read' }], stranger, undefined)).toEqual([]);
  });

  test('node must be runnable (x), a folder node reads from listable (rx); a link\'s target is what is judged', () => {
    const tools = app(0o711, 0o644);
    expect(accessFindings([{ path: tools.script, access: 'run' }], stranger, undefined)).toMatchObject([{ lacks: 'run it (x)' }]);
    expect(accessFindings([{ path: path.dirname(tools.script), access: 'list' }], stranger, undefined)).toMatchObject([{ lacks: 'list and search it (rx)' }]);
    const link = path.join(tools.top, 'link.js');
    symlinkSync(tools.script, link);
    chmodSync(tools.script, 0o600);
    expect(accessFindings([{ path: link, access: 'read' }], stranger, undefined)).toMatchObject([{ path: link, blocked: tools.script }]);
  });

  test('an ACL read by the reader decides over the mode: u:4242:x lets the account through a 0700 folder', () => {
    const closed = app(0o700, 0o644);
    const entries = [[1, 7, 0], [2, 1, 4242], [4, 0, 0], [0x10, 1, 0], [0x20, 0, 0]];
    const value = new Uint8Array(4 + entries.length * 8);
    const view = new DataView(value.buffer);
    view.setUint32(0, 2, true);
    entries.forEach(([tag, perm, id], index) => {
      view.setUint16(4 + index * 8, tag!, true);
      view.setUint16(6 + index * 8, perm!, true);
      view.setUint32(8 + index * 8, id!, true);
    });
    const reader = (file: string) => (file === path.dirname(closed.script) ? value : undefined);
    expect(accessFindings([{ path: closed.script, access: 'read' }], stranger, reader)).toEqual([]);
  });

  test('an offline root: the image\'s entries are judged (its own / too), not this machine\'s above it', () => {
    const root = folders.make();
    mkdirSync(path.join(root, 'srv', 'app'), { recursive: true });
    writeFileSync(path.join(root, 'srv', 'app', 'server.js'), '');
    chmodSync(path.join(root, 'srv', 'app'), 0o700);
    expect(accessFindings([{ path: path.join(root, 'srv', 'app', 'server.js'), access: 'read' }], DYNAMIC_ACCOUNT, undefined, root)).toMatchObject([{ blocked: path.join(root, 'srv', 'app') }]);
    chmodSync(path.join(root, 'srv', 'app'), 0o755);
    chmodSync(root, 0o700);
    expect(accessFindings([{ path: path.join(root, 'srv', 'app', 'server.js'), access: 'read' }], DYNAMIC_ACCOUNT, undefined, root)).toMatchObject([{ blocked: root }]);
    chmodSync(root, 0o755);
  });
});

describe.runIf(process.platform === 'linux')('what the service opens is the least-privilege check\'s own list', () => {
  test('node (run), script and register module (read), working directory (enter), preloads; not the env files and credentials systemd reads as root', () => {
    const top = folders.make();
    for (const file of ['server.js', 'pre.js', 'app.env']) writeFileSync(path.join(top, file), '');
    const spec = resolveSpec({ name: 'x', script: path.join(top, 'server.js'), nodeArgs: ['--require', './pre.js'], envFiles: [path.join(top, 'app.env')] }, 'systemd');
    const opens = runTargets(spec).opens;
    expect(opens).toEqual(expect.arrayContaining([
      { path: spec.node, access: 'run' },
      { path: spec.script, access: 'read' },
      { path: top, access: 'enter' },
      { path: path.join(top, 'pre.js'), access: 'read' },
    ]));
    expect(opens.map((target) => target.path)).not.toContain(path.join(top, 'app.env'));
  });
});

describe('the words', () => {
  const spec = resolveSpec({ name: 'web', script: '/srv/app/server.js', register: false }, 'systemd');
  const finding = { path: '/srv/app/server.js', blocked: '/srv/app', lacks: 'search it (x)', entry: 'owner uid 0, group 0, mode 0700' };

  test('refused with ERR_SERVICEHOST_UNREADABLE_PATH naming the account, the path, the folder that stops it and how to fix it', () => {
    expect(() => refuseUnreadable(spec, [finding], { label: 'cloudsdk', uid: 1000, gids: [1000] })).toThrow(expect.objectContaining({
      code: 'ERR_SERVICEHOST_UNREADABLE_PATH',
      message: expect.stringMatching(/^Refusing to install "web": it would run as cloudsdk, [^]*\/srv\/app\/server\.js, at \/srv\/app \(owner uid 0, group 0, mode 0700\): cloudsdk may not search it \(x\)\n[^]*chmod o\+x[^]*setfacl -m u:cloudsdk:x/u),
    }));
    expect(() => refuseUnreadable(spec, [finding], DYNAMIC_ACCOUNT)).toThrow(/a dynamic user \(its uid is made at start, so only what everyone may do counts\)/u);
    expect(refuseUnreadable(spec, [], DYNAMIC_ACCOUNT)).toEqual([]);
  });

  test('where ACLs are not read (not Linux), an ACL could let the account in: each finding is a warning', () => {
    expect(refuseUnreadable(spec, [finding], DYNAMIC_ACCOUNT, false)).toEqual([expect.stringMatching(/^\/srv\/app\/server\.js, at \/srv\/app .*its ACL was not read/u)]);
  });

  test('--allow-writable says each path it let through', () => {
    const findings = [{ path: '/home/u/app', why: 'owned by uid 1000' }, { path: '/home/u/app/server.js', why: 'writable by everyone' }];
    expect(() => refuseWritable(spec, findings, 'root')).toThrow(/ERR_SERVICEHOST_UNSAFE_PATH|Refusing/u);
    expect(refuseWritable({ ...spec, allowWritable: true }, findings, 'root')).toEqual([
      'accepted with --allow-writable (allowWritable): /home/u/app: owned by uid 1000',
      'accepted with --allow-writable (allowWritable): /home/u/app/server.js: writable by everyone',
    ]);
  });
});
