// Through the real `servicehost install`, as root: a preload the
// least-privilege check cannot follow to a file is refused (exit 10), as a
// file another user can change is. `--import=data:text/javascript,import
// 'file:///home/mallory/x.mjs'` would run that user's file as root; before,
// it passed with a warning ("a URL, not a file, so it was not checked"). A
// path --import takes is a URL to node: ./%2e%2e/ is ../, so the check follows
// it to the file node loads. Offline roots use the real `systemctl --root`;
// the live-system case runs in a private mount namespace. The pure parts are
// in test/unit/least-privilege-urls.test.ts.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRunPrivate, privateServicehost } from './harness/private-systemd';
import { answersVersion } from './harness/programs';

const OTHER = 1000;
const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const canRun = process.platform === 'linux' && process.getuid?.() === 0 && answersVersion('/usr/bin/systemctl');

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function servicehost(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

/** A root-owned offline root holding /app/server.js and /home/mallory/x.mjs, the latter uid 1000's. */
function image(): { root: string; theirs: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpu-'));
  made.push(root);
  chmodSync(root, 0o755);
  mkdirSync(path.join(root, 'app'), { mode: 0o755 });
  writeFileSync(path.join(root, 'app', 'server.js'), '', { mode: 0o644 });
  mkdirSync(path.join(root, 'home', 'mallory'), { recursive: true, mode: 0o755 });
  const theirs = path.join(root, 'home', 'mallory', 'x.mjs');
  writeFileSync(theirs, '', { mode: 0o644 });
  chownSync(theirs, OTHER, OTHER);
  return { root, theirs };
}

const units = (root: string): string[] => {
  const dir = path.join(root, 'etc', 'systemd', 'system');
  return existsSync(dir) ? readdirSync(dir) : [];
};
const install = (root: string, args: string[]) => servicehost(['install', '--name', 'lpu', '--no-start', '--root', root, ...args, '--', '/app/server.js']);
const DATA = "data:text/javascript,import'file:///home/mallory/x.mjs'";

describe.runIf(canRun)('install --root: a preload no file check can follow', () => {
  test.each([
    ['--import=data: as a node argument', [`--node-arg=--import=${DATA}`], `--import ${JSON.stringify(DATA)} (a node argument): a data: URL`],
    ['--loader https: as a node argument', ['--node-arg=--loader', '--node-arg=https://example.com/hook.mjs'], '--loader "https://example.com/hook.mjs" (a node argument): an https: URL'],
    ['--import=data: in NODE_OPTIONS', ['--env', `NODE_OPTIONS=--import=${DATA}`], `--import ${JSON.stringify(DATA)} (in NODE_OPTIONS): a data: URL`],
  ] as const)('%s: refused (exit 10) naming the option, its value and why; --allow-writable accepts it', async (_label, args, named) => {
    const { root } = image();
    const refused = await install(root, [...args]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain('Refusing to install "lpu"');
    expect(refused.stderr).toContain(named);
    expect(refused.stderr).not.toContain('so it was not checked');
    expect(units(root)).toEqual([]);
    const accepted = await install(root, ['--allow-writable', ...args]);
    expect(accepted.code, accepted.stderr).toBe(0);
  });

  test("an env file inside the image whose NODE_OPTIONS imports a data: URL: refused (the image's env file is the one read)", async () => {
    const { root } = image();
    writeFileSync(path.join(root, 'app', 'app.env'), `NODE_OPTIONS=--import=${DATA}\n`, { mode: 0o644 });
    const refused = await install(root, ['--node-arg=--env-file=/app/app.env']);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`--import ${JSON.stringify(DATA)} (in NODE_OPTIONS): a data: URL`);
    expect(units(root)).toEqual([]);
  });

  test("--import ./%2e%2e/... reaches another user's file as node resolves it: refused naming that file", async () => {
    const { root, theirs } = image();
    const refused = await install(root, ['--node-arg=--import=./%2e%2e/home/%6dallory/x.mjs?v=1']);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${theirs}: owned by uid ${OTHER}`);
    expect(units(root)).toEqual([]);
  });

  test('a data: URL named by a file option is a file name to node, not code: the path is checked, nothing refused for it', async () => {
    const { root } = image();
    const ok = await install(root, ['--node-arg=--openssl-config=data:x']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('/app/data:x');
  });
});

describe.runIf(canRunPrivate)('the live system: NODE_OPTIONS with a data: URL', () => {
  test('--env NODE_OPTIONS=--import=data:...: refused (exit 10), no unit written', async () => {
    const app = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpu-app-'));
    made.push(app);
    chmodSync(app, 0o755);
    writeFileSync(path.join(app, 'server.js'), '', { mode: 0o644 });
    const run = await privateServicehost('install', 'lpu-live', ['--env', `NODE_OPTIONS=--import=${DATA}`, '--', path.join(app, 'server.js')]);
    expect(run.code, run.stderr).toBe(10);
    expect(run.stderr).toContain(`--import ${JSON.stringify(DATA)} (in NODE_OPTIONS): a data: URL`);
    expect(run.units).toEqual({});
  });
});
