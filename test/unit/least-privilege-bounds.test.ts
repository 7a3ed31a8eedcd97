// Where the least-privilege walk stops: a link to / (or into /proc, /sys,
// /dev) is not a tree the service's code lives in, and walking it met
// /proc/1/cwd, whose readlink fails (EACCES) even as root in a container,
// which surfaced as a raw Error (exit 1). Now each is a warning with its path.
// Then the pure parts of what else the check covers: the environment's
// files (one table), the inspector, and paths inside an offline root.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Accounts } from '../../lib/manage/accounts';
import { checkTrust } from '../../lib/manage/run-tree';
import { refuseWritable, runTargets } from '../../lib/manage/least-privilege';
import { resolveSpec } from '../../lib/manage/spec';
import { tempFolders } from '../helpers/temp-folders';

const folders = tempFolders('servicehost-lpb-', 0o755);
const made = folders.made;
const temp = (): string => folders.make();
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
    // As root outside a container the link reads: then only "no raw error" is checked, and that is said.
    if (readable) console.log('[unit ring] /proc/1/cwd is readable here: only "no raw error" is checked, not the warning');
    else expect(result.warnings).toContainEqual(expect.stringContaining('/proc/1/cwd'));
    expect(result.findings).toEqual([]);
  });

  // /dev/shm and /dev/mqueue are tmpfs anyone may write in, not the kernel's views: code there is walked and judged.
  test.runIf(process.getuid?.() === 0 && existsSync('/dev/shm'))('an app in /dev/shm is walked: a file another user owns below it is a finding', () => {
    const app = mkdtempSync(path.join('/dev/shm', 'servicehost-lpb-'));
    made.push(app);
    chmodSync(app, 0o755);
    mkdirSync(path.join(app, 'node_modules', 'dep'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(app, 'node_modules', 'dep', 'index.js'), '');
    chownSync(path.join(app, 'node_modules', 'dep', 'index.js'), 1234, 1234);
    const result = checkTrust([path.join(app, 'server.js')], [app], options());
    expect(result.findings.map((finding) => finding.path)).toContain(path.join(app, 'node_modules', 'dep', 'index.js'));
  });
});

describe('what the environment names, the inspector, and an offline root (the pure parts)', () => {
  test('each variable of the table is a path (a file) or a tree (a folder), from the working directory', () => {
    const app = temp();
    const spec = resolveSpec({ name: 'x', script: path.join(app, 'server.js'), register: false, env: { SERVICEHOST_ADDON: 'addon.node', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', OPENSSL_MODULES: '/opt/ossl', SSL_CERT_DIR: '/a:/b', LD_AUDIT: '/lib/audit.so', NODE_COMPILE_CACHE: '/var/cache/v8' }, nodeArgs: ['--icu-data-dir=/opt/icu'] }, 'systemd');
    const targets = runTargets(spec);
    expect(targets.paths).toEqual(expect.arrayContaining([path.join(app, 'addon.node'), '/etc/ca.pem', '/opt/ossl', '/a', '/b', '/opt/icu', '/lib/audit.so', '/var/cache/v8']));
    expect(targets.trees).toEqual(expect.arrayContaining(['/opt/ossl', '/opt/icu', '/var/cache/v8']));
  });

  test('in an offline root every path is the one inside it; what is not there is one warning', () => {
    const root = temp();
    mkdirSync(path.join(root, 'app'), { mode: 0o755 });
    writeFileSync(path.join(root, 'app', 'server.js'), '');
    const spec = resolveSpec({ name: 'x', script: '/app/server.js', register: false, node: '/usr/bin/node', env: { OPENSSL_CONF: '/etc/ssl/openssl.cnf' } }, 'systemd');
    const targets = runTargets(spec, [], root);
    expect(targets.paths).toEqual(expect.arrayContaining([path.join(root, 'app', 'server.js'), path.join(root, 'usr', 'bin', 'node'), path.join(root, 'etc', 'ssl', 'openssl.cnf')]));
    expect(targets.warnings).toEqual([`not there yet in the offline root ${root}, so not checked (the folders above them were): /usr/bin/node, /etc/ssl/openssl.cnf`]);
  });

  test('the inspector in node arguments or NODE_OPTIONS is refused as a finding; allowWritable accepts it', () => {
    const app = temp();
    for (const spec of [{ nodeArgs: ['--inspect=0.0.0.0:9229'] }, { env: { NODE_OPTIONS: '--max-old-space-size=100 --inspect-brk' } }]) {
      const resolved = resolveSpec({ name: 'x', script: path.join(app, 'server.js'), register: false, ...spec }, 'systemd');
      expect(() => refuseWritable(resolved, [], 'root')).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSAFE_PATH', message: expect.stringMatching(/opens the inspector/u) }));
      expect(() => refuseWritable({ ...resolved, allowWritable: true }, [], 'root')).not.toThrow();
    }
    expect(() => refuseWritable(resolveSpec({ name: 'x', script: path.join(app, 'server.js'), register: false, nodeArgs: ['--inspector-is-not-an-option'] }, 'systemd'), [], 'root')).not.toThrow();
  });
});
