// Least privilege covers what the manager hands the service from files: an env
// file (--environment-file) and a credential (--credential NAME:path) another user can
// change would let that user set the service's environment (NODE_OPTIONS
// included) or its secrets. As least-privilege.test.ts: real files, the
// install in a private mount namespace, so the machine's units are never touched.
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { canRunPrivate, privateServicehost } from './harness/private-systemd';

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

/** A root-owned folder (0755) holding the script, an env file (0644) and a secret (0600). */
function tree(): { script: string; envFile: string; secret: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpd-'));
  made.push(folder);
  chmodSync(folder, 0o755);
  const files = { script: path.join(folder, 'server.js'), envFile: path.join(folder, 'app.env'), secret: path.join(folder, 'token') };
  writeFileSync(files.script, '', { mode: 0o644 });
  writeFileSync(files.envFile, 'GREETING=hello\n', { mode: 0o644 });
  writeFileSync(files.secret, 's3cret\n', { mode: 0o600 });
  return files;
}

describe.runIf(process.platform === 'linux' && canRunPrivate)('env files and credentials, and who else can change them', () => {
  test.each([
    ['an env file anyone can write', '--environment-file', (files: ReturnType<typeof tree>) => files.envFile, (file: string) => chmodSync(file, 0o666), 'writable by everyone'],
    ['an env file another user owns', '--environment-file', (files: ReturnType<typeof tree>) => files.envFile, (file: string) => chownSync(file, 65534, 65534), 'owned by uid 65534'],
    ['a credential another user owns', '--credential', (files: ReturnType<typeof tree>) => `token:${files.secret}`, (file: string) => chownSync(file, 65534, 65534), 'owned by uid 65534'],
  ] as const)('%s: install refuses it (exit 10, nothing written); root-owned, it installs', async (_label, option, value, spoil, why) => {
    const files = tree();
    const name = `servicehost-lpd-${process.pid}`;
    const good = await privateServicehost('install', name, [option, value(files), '--', files.script]);
    expect(good.code, good.stderr).toBe(0);
    const unit = Object.values(good.units)[0] ?? '';
    expect(unit).toContain(option === '--environment-file' ? `EnvironmentFile=${files.envFile}` : `LoadCredential=token:${files.secret}`);
    const file = option === '--environment-file' ? files.envFile : files.secret;
    spoil(file);
    const refused = await privateServicehost('install', name, [option, value(files), '--', files.script]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${file}: ${why}`);
    expect(refused.units).toEqual({});
  });

  test("a preload an env file's NODE_OPTIONS names, which another user owns: refused (exit 10) naming it; root's, it installs", async () => {
    const files = tree();
    // Outside the script's folder, which the walk covers anyway: only the env file names it.
    const hooks = mkdtempSync(path.join(os.tmpdir(), 'servicehost-lpd-hooks-'));
    made.push(hooks);
    chmodSync(hooks, 0o755);
    const preload = path.join(hooks, 'hook.js');
    writeFileSync(preload, '', { mode: 0o644 });
    writeFileSync(files.envFile, `GREETING=hello\nNODE_OPTIONS="--require ${preload}"\n`, { mode: 0o644 });
    const name = `servicehost-lpd-${process.pid}`;
    const good = await privateServicehost('install', name, ['--environment-file', files.envFile, '--', files.script]);
    expect(good.code, good.stderr).toBe(0);
    chownSync(preload, 65534, 65534);
    const refused = await privateServicehost('install', name, ['--environment-file', files.envFile, '--', files.script]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${preload}: owned by uid 65534`);
    expect(refused.units).toEqual({});
  });

  // Node reads an argument named --env-file wherever it stands, after the script
  // path too (lib/cli/node-reads.ts): under that name the command's own node, as
  // root, loaded the file and ran what its NODE_OPTIONS names before any check.
  test("the command's own node never reads the file given to --environment-file: its NODE_OPTIONS=--require runs in no servicehost process, and the check still decides", async () => {
    const files = tree();
    const folder = path.dirname(files.script);
    const ran = path.join(folder, 'ran.log');
    // The marker says which program's process loaded it: argv[1] is the script node ran.
    const marker = path.join(folder, 'marker.js');
    writeFileSync(marker, `require('node:fs').appendFileSync(${JSON.stringify(ran)}, process.argv[1] + '\\n');\n`, { mode: 0o644 });
    writeFileSync(files.envFile, `GREETING=hello\nNODE_OPTIONS="--require ${marker}"\n`, { mode: 0o644 });
    const name = `servicehost-lpd-${process.pid}`;
    const runs = (): string => (existsSync(ran) ? readFileSync(ran, 'utf8') : '');
    const good = await privateServicehost('install', name, ['--environment-file', files.envFile, '--', files.script]);
    expect(runs(), 'the marker ran in these processes').toBe('');
    expect(good.code, good.stderr).toBe(0);
    expect(Object.values(good.units)[0]).toContain(`EnvironmentFile=${files.envFile}`);
    // Another user's marker: the least-privilege check refuses it, still without running it.
    chownSync(marker, 65534, 65534);
    const refused = await privateServicehost('install', name, ['--environment-file', files.envFile, '--', files.script]);
    expect(runs(), 'the marker ran in these processes').toBe('');
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${marker}: owned by uid 65534`);
  });
});
