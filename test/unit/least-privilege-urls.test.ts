// A preload the least-privilege check cannot follow to a file: a data: URL is
// code written into the option (`--import=data:text/javascript,import
// "file:///home/mallory/x.mjs"` runs another user's file), an http(s): URL is
// code from the network, any other scheme is a loader hook's to map. Each is
// refused as a writable file is, wherever node reads it (node arguments,
// NODE_OPTIONS of the environment or of an env file). And a path --import
// takes is a URL to node (%2e%2e is .., ?query dropped): the check resolves it
// so, and judges the file node loads. The refusal through the CLI is in
// test/linux/least-privilege-urls.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { refuseWritable, runTargets } from '../../lib/manage/least-privilege';
import { preloadsOf, preloadTarget } from '../../lib/manage/preloads';
import { resolveSpec } from '../../lib/manage/spec';
import { tempFolders } from '../helpers/temp-folders';

const folders = tempFolders('servicehost-lpu-', 0o755);
const temp = (): string => folders.make();
const target = (args: string[], cwd = '/srv/app') => preloadTarget(preloadsOf(args)[0]!, cwd);

describe('where a preload leads (pure)', () => {
  test.each([
    ['--import=data:text/javascript,import "file:///home/mallory/x.mjs"', /^a data: URL is code/u],
    ['--import=DATA:text/javascript,1', /^a data: URL/u],
    ['--loader=https://example.com/hook.mjs', /^an https: URL is code fetched over the network/u],
    ['--experimental-loader=http://example.com/hook.mjs', /^an http: URL/u],
    ['--import=custom-scheme:thing', /^a custom-scheme: URL is resolved by a loader hook/u],
  ])('%s: unseen code, with why', (arg, why) => {
    expect(target([arg])).toEqual({ unseen: expect.stringMatching(why) });
  });

  test('a path --import takes is resolved as node resolves a URL: %-escapes decoded, ?query and #hash dropped', () => {
    expect(target(['--import', './%2e%2e/%2e%2e/home/mallory/x.mjs'])).toEqual({ path: '/home/mallory/x.mjs' });
    expect(target(['--import', '/home/%6dallory/x.mjs?v=1#h'])).toEqual({ path: '/home/mallory/x.mjs' });
    expect(target(['--loader', 'file:///opt/hook.mjs'])).toEqual({ path: '/opt/hook.mjs' });
    expect(target(['--import', 'dep'])).toEqual({ name: 'dep' });
    expect(target(['--import', 'node:fs'])).toEqual({ none: 'a built-in module' });
    expect(target(['--import', 'file://elsewhere/x.mjs'])).toEqual({ none: 'a file: URL that names no local file' });
  });

  test('require takes no URL (a name with a scheme is a package name to it, which npm cannot publish), and a file option reads a path', () => {
    expect(target(['-r', 'data:text/javascript,1'])).toEqual({ name: 'data:text/javascript,1' });
    expect(target(['--require', './%2e%2e/x.js'])).toEqual({ path: '/srv/app/%2e%2e/x.js' });
    expect(target(['--env-file=data:x'])).toEqual({ path: '/srv/app/data:x' });
    expect(target(['--openssl-config', 'https://example.com/x.cnf'])).toEqual({ path: '/srv/app/https:/example.com/x.cnf' });
  });
});

describe('refused as a writable file is: ERR_SERVICEHOST_UNSAFE_PATH, naming the option, its value (cut) and why', () => {
  const app = temp();
  mkdirSync(path.join(app, 'conf'), { mode: 0o755 });
  const long = `data:text/javascript,import'file:///home/mallory/x.mjs';${'/*padding*/'.repeat(12)}`; // no space: NODE_OPTIONS splits on one
  writeFileSync(path.join(app, 'conf', 'app.env'), `NODE_OPTIONS="--import=${long}"\n`, { mode: 0o644 });
  const spec = (more: object) => resolveSpec({ name: 'x', script: path.join(app, 'server.js'), register: false, ...more }, 'systemd');

  // Each value is cut as every error message cuts one: 80 characters, then how long it was.
  const cut = `${JSON.stringify(long.slice(0, 80))}… (${long.length} characters)`;
  test.each([
    ['a node argument', { nodeArgs: ['--import', long] }, `--import ${cut} (a node argument): a data: URL is code`],
    ["the service's NODE_OPTIONS", { env: { NODE_OPTIONS: '--max-old-space-size=100 --loader=https://example.com/hook.mjs' } }, '--loader "https://example.com/hook.mjs" (in NODE_OPTIONS): an https: URL'],
    ["an env file's NODE_OPTIONS (the env file a node argument names)", { nodeArgs: [`--env-file=${path.join(app, 'conf', 'app.env')}`] }, `--import ${cut} (in NODE_OPTIONS): a data: URL is code`],
  ])('in %s', (_label, more, named) => {
    const resolved = spec(more);
    expect(() => refuseWritable(resolved, [], 'root')).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSAFE_PATH', message: expect.stringMatching(/^Refusing to install "x": /u) }));
    expect(() => refuseWritable(resolved, [], 'root')).toThrow(named);
    expect(() => refuseWritable({ ...resolved, allowWritable: true }, [], 'root')).not.toThrow();
  });

  test('a data: preload is refused, not also warned about as "not checked"; a file, a built-in or a package still pass', () => {
    const resolved = spec({ nodeArgs: ['--import=data:text/javascript,1'] });
    expect(runTargets(resolved).warnings.filter((warning) => warning.includes('data:'))).toEqual([]);
    expect(() => refuseWritable(spec({ nodeArgs: ['--import=node:fs', `--import=file://${app}/server.js`, '--require=dep', '--env-file=data:x'] }), [], 'root')).not.toThrow();
  });

  test('a %-escaped --import path is checked as the file node loads', () => {
    mkdirSync(path.join(app, 'other'), { mode: 0o755 });
    writeFileSync(path.join(app, 'other', 'x.mjs'), '', { mode: 0o644 });
    const resolved = resolveSpec({ name: 'x', script: path.join(app, 'conf', 'server.js'), register: false, nodeArgs: ['--import', './%2e%2e/other/x.mjs?v=2'] }, 'systemd');
    const targets = runTargets(resolved);
    expect(targets.warnings).toEqual([]);
    expect(targets.paths).toContain(path.join(app, 'other', 'x.mjs'));
  });
});
