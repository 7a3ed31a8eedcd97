// The units `--listen` writes (the service and one socket unit per address)
// pass systemd's own offline checker, `systemd-analyze verify`, printing
// nothing: the socket settings, names and escapes are what systemd reads.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { resolveSpec } from '../../lib/manage/spec';
import { renderSocketUnits } from '../../lib/manage/systemd/socket-unit';
import { renderSystemdUnit } from '../../lib/manage/systemd/unit';
import { answersVersion } from './harness/programs';

const haveAnalyze = answersVersion('systemd-analyze');

describe.skipIf(!haveAnalyze)('systemd-analyze verify of --listen units (skipped: systemd-analyze is not installed)', () => {
  test.each([
    ['every address form', { listen: ['8080', 'admin=127.0.0.1:9090', '[::1]:9091', '/run/web/api.sock', 'pct=/run/100%/x.sock'] }],
    ['--on-demand', { listen: [8080], onDemand: true }],
    ['a socket file for an account, closed by default', { listen: ['/run/web/api.sock'], runAs: { user: 'daemon', group: 'daemon' } }],
    ['a socket file opened deliberately', { listen: ['/run/web/api.sock'], listenMode: '0666', listenGroup: 'nogroup' }],
  ])('%s prints nothing', async (_label, systemd) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-socket-verify-'));
    try {
      const spec = resolveSpec({ node: process.execPath, name: 'web', script: '/srv/web/server.js', systemd }, 'systemd');
      const files = [path.join(dir, 'web.service'), ...renderSocketUnits(spec, dir, { version: 'test' }).map((socket) => (writeFileSync(socket.path, socket.text), socket.path))];
      writeFileSync(files[0]!, renderSystemdUnit(spec, { version: 'test' }));
      const result = await promisify(execFile)('systemd-analyze', ['verify', '--man=no', ...files], { env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } }).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
