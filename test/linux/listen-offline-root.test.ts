// --listen on an offline root with the real `systemctl --root`: install writes
// the service and one socket unit per address and enables them together
// (Also=); configure adds and drops sockets; uninstall leaves nothing, not a
// file, not a link. (A running systemd's side, the
// ports held across restarts, is the live ring's restart-under-load test.)
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';
import { answersVersion } from './harness/programs';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const haveSystemctl = answersVersion('systemctl');

function servicehost(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every file and link under the root's /etc/systemd/system, relative, links with their target. */
function tree(root: string): string[] {
  const base = path.join(root, 'etc', 'systemd', 'system');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(base, full));
    }
  };
  try {
    walk(base);
  } catch {
    // No folder: nothing installed.
  }
  return out.sort();
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!haveSystemctl)('--listen on an offline root (real systemctl --root; skipped: no systemctl here)', () => {
  test('install, configure and uninstall take the socket units along', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'servicehost-listen-'));
    roots.push(root);
    const script = path.join(fixturesDir, 'listen-service.js');
    const installed = await servicehost(['install', '--name', 'web', '--root', root, '--listen', '8080', '--listen', 'admin=127.0.0.1:9090', '--', script]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(tree(root)).toEqual(['multi-user.target.wants/web.service', 'sockets.target.wants/web-2.socket', 'sockets.target.wants/web.socket', 'web-2.socket', 'web.service', 'web.socket']);
    const system = path.join(root, 'etc', 'systemd', 'system');
    expect(readFileSync(path.join(system, 'web-2.socket'), 'utf8')).toContain('ListenStream=127.0.0.1:9090\nFileDescriptorName=admin\n');

    // A service whose socket unit would be another's file is refused before anything is written (exit 6).
    const clash = await servicehost(['install', '--name', 'web-2', '--root', root, '--listen', '8081', '--', script]);
    expect(clash.code).toBe(6);
    expect(clash.stderr).toContain(`${path.join(system, 'web-2.socket')} already exists`);
    expect(tree(root)).not.toContain('web-2.service');
    const bad = await servicehost(['install', '--name', 'other', '--root', root, '--listen', 'localhost:80', '--', script]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/names the host "localhost": give an IP address/u);

    // configure: the admin socket dropped (file and link gone), a unix socket added.
    const configured = await servicehost(['configure', '--name', 'web', '--root', root, '--listen', '8080', '--listen', 'api=/run/web/api.sock', '--', script]);
    expect(configured.code, configured.stderr).toBe(0);
    expect(readFileSync(path.join(system, 'web-2.socket'), 'utf8')).toContain('ListenStream=/run/web/api.sock\nFileDescriptorName=api\n');
    // Closed to other users unless opened: the owner (root here) and its group only.
    expect(readFileSync(path.join(system, 'web-2.socket'), 'utf8')).toContain('\nSocketMode=0660\n\n');
    const opened = await servicehost(['configure', '--json', '--name', 'web', '--root', root, '--listen', '8080', '--listen', 'api=/run/web/api.sock', '--listen-mode', '0666', '--listen-group', 'www-data', '--', script]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(readFileSync(path.join(system, 'web-2.socket'), 'utf8')).toContain('\nSocketMode=0666\nSocketGroup=www-data\n');
    const portOnly = await servicehost(['configure', '--name', 'web', '--root', root, '--listen', '8080', '--listen-mode', '0666', '--', script]);
    expect(portOnly.code).toBe(2);
    expect(portOnly.stderr).toMatch(/listenMode says who may connect to a socket file, and systemd\.listen \(--listen\) names none/u);
    const badMode = await servicehost(['configure', '--name', 'web', '--root', root, '--listen', '/run/web/api.sock', '--listen-mode', 'a+rw', '--', script]);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toMatch(/"a\+rw" is not a file mode/u);
    expect(readFileSync(path.join(system, 'web.service'), 'utf8')).toContain('\nSockets=web.socket web-2.socket\n');

    // One form of the sockets in status --json, on this machine (its unit files) and over --host (systemctl show, through a stand-in).
    const sockets = [
      { unit: 'web.socket', address: '8080', name: '8080' },
      { unit: 'web-2.socket', address: '/run/web/api.sock', name: 'api', mode: '0666', group: 'www-data' },
    ];
    const standIn = path.join(root, 'systemctl');
    writeFileSync(standIn, readFileSync(path.join(fixturesDir, 'remote-systemctl.js'), 'utf8').replace('#!/usr/bin/env node', `#!${process.execPath}`), { mode: 0o755 });
    const local = await servicehost(['status', 'web', '--root', root, '--systemctl', standIn, '--json', '--no-output']);
    expect(JSON.parse(local.stdout).systemd.sockets).toEqual(sockets);
    const text = await servicehost(['status', 'web', '--root', root, '--systemctl', standIn, '--no-output']);
    expect(text.stdout).toContain('\n  socket:      8080 (web.socket, name 8080)\n  socket:      /run/web/api.sock (web-2.socket, name api, mode 0666, group www-data)\n');
    const remote = await servicehost(['status', 'web', '--host', 'sockets', '--systemctl', standIn, '--json']);
    expect(JSON.parse(remote.stdout)[0].systemd.sockets).toEqual(sockets);
    // The mode that opens the socket file to everyone is said, in the result and on stderr.
    expect(JSON.parse(opened.stdout).warnings).toContainEqual(expect.stringMatching(/^--listen-mode 0666 \(systemd\.listenMode\) lets every local user connect to \/run\/web\/api\.sock/u));
    const said = await servicehost(['configure', '--name', 'web', '--root', root, '--listen', '8080', '--listen', 'api=/run/web/api.sock', '--listen-mode', '0666', '--listen-group', 'www-data', '--', script]);
    expect(said.stderr).toContain('warning: --listen-mode 0666 (systemd.listenMode) lets every local user connect to /run/web/api.sock');
    expect((await servicehost(['configure', '--json', '--name', 'web', '--root', root, '--listen', 'api=/run/web/api.sock', '--listen-mode', '0664', '--', script])).stdout).not.toContain('--listen-mode');

    const removed = await servicehost(['uninstall', 'web', '--root', root]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(tree(root)).toEqual([]);
  });
});
