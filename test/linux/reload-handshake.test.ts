// The program's half of systemd's reload handshake (lib/hosts/systemd/reload-ack.ts)
// against the real helper (dist/hosts/systemd/reload-wait.js), in a real
// runtime folder: the live ring proves it under systemd; this proves the
// file protocol and its edges quickly, on every run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { RELOAD_FILES } from '../../lib/lifecycle/installed-environment';
import { ReloadAcknowledger } from '../../lib/hosts/systemd/reload-ack';
import { SystemdHost } from '../../lib/hosts/systemd/systemd-host';
import { recordingLogger } from '../unit/helpers/recording-host';

const helper = path.resolve(__dirname, '..', '..', 'dist', 'hosts', 'systemd', 'reload-wait.js');

function runtime(): { directory: string; env: NodeJS.ProcessEnv; file: (name: keyof typeof RELOAD_FILES) => string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'servicehost-reload-'));
  return { directory, env: { SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: directory }, file: (name) => path.join(directory, RELOAD_FILES[name]) };
}

describe.runIf(process.platform === 'linux')('the reload handshake', () => {
  test('only in a unit servicehost wrote: both variables, an absolute folder', () => {
    const { directory } = runtime();
    const warn = () => {};
    expect(ReloadAcknowledger.fromEnvironment({ RUNTIME_DIRECTORY: directory }, warn)).toBeUndefined();
    expect(ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1' }, warn)).toBeUndefined();
    expect(ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: 'relative' }, warn)).toBeUndefined();
    expect(ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: `${directory}:/run/other` }, warn)).toBeDefined();
  });

  test('accepts follows the reload listener, and is written only when it changes', () => {
    const { env, file } = runtime();
    const ack = ReloadAcknowledger.fromEnvironment(env, () => {})!;
    ack.accept(true);
    expect(existsSync(file('accepts'))).toBe(true);
    rmSync(file('accepts'));
    ack.accept(true); // Service calls listen() on every on(): no second write
    expect(existsSync(file('accepts'))).toBe(false);
    ack.accept(false);
    ack.accept(true);
    expect(existsSync(file('accepts'))).toBe(true);
    ack.accept(false);
    expect(existsSync(file('accepts'))).toBe(false);
  });

  test('a reload answers the request written before it began, ok or failed; one nobody asked for is not answered', () => {
    const { env, file } = runtime();
    const ack = ReloadAcknowledger.fromEnvironment(env, () => {})!;
    ack.begin();
    ack.settled(true);
    expect(existsSync(file('ack'))).toBe(false);
    writeFileSync(file('request'), 'nonce-1');
    ack.begin();
    writeFileSync(file('request'), 'nonce-2'); // written after the reload began: not this reload's
    ack.settled(true);
    expect(readFileSync(file('ack'), 'utf8')).toBe('nonce-1 ok');
    ack.begin();
    ack.settled(false);
    expect(readFileSync(file('ack'), 'utf8')).toBe('nonce-2 failed');
  });

  test('a folder it cannot write: a warning, never a throw', () => {
    const warnings: string[] = [];
    const ack = ReloadAcknowledger.fromEnvironment({ SERVICEHOST_RELOAD_ACK: '1', RUNTIME_DIRECTORY: '/nonexistent/servicehost' }, (message) => warnings.push(message))!;
    expect(() => ack.accept(true)).not.toThrow();
    expect(warnings[0]).toMatch(/reload handshake in \/nonexistent\/servicehost failed/u);
  });

  test('the real helper against a real SystemdHost: exits 0 once the reload settled; refuses after dispose, when SIGHUP is Node\'s again', async () => {
    const { env, file } = runtime();
    const logger = recordingLogger();
    const host = new SystemdHost({ env: { ...env }, exitProcess: () => {}, reloadSignals: ['SIGHUP'], stopSignals: [] });
    const order: string[] = [];
    host.open(
      (event) => {
        if (event.type !== 'reload') return;
        order.push('reload');
        host.report({ state: 'reloading' });
        setTimeout(() => {
          order.push('settled');
          host.report({ state: 'reloaded' });
        }, 200);
      },
      { startTimeoutMs: 1000, stopTimeoutMs: 1000, log: logger },
    );
    host.listen(new Set(['stop', 'reload']));
    const run = (): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [helper, String(process.pid)], { env: { ...process.env, RUNTIME_DIRECTORY: path.dirname(file('ack')) } });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => {
          order.push(`helper ${code}`);
          resolve({ code, stderr });
        });
      });
    try {
      expect((await run()).code).toBe(0);
      expect(order).toEqual(['reload', 'settled', 'helper 0']);
    } finally {
      host.dispose();
    }
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("does not listen for 'reload'");
  });
});
