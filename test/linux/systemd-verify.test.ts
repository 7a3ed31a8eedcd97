// Every unit servicehost writes passes systemd's own offline checker,
// `systemd-analyze verify`. It exits 0 even on warnings (unknown keys, bad
// quoting), so the test requires it to print nothing at all.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { resolveSpec } from '../../lib/manage/spec';
import { renderSystemdUnit } from '../../lib/manage/systemd/unit';
import { hostileStrings } from '../helpers/hostile-strings';
import { answersVersion } from './harness/programs';

const execFileAsync = promisify(execFile);
const haveAnalyze = answersVersion('systemd-analyze');
if (!haveAnalyze && process.env.CI === 'true' && process.platform === 'linux') throw new Error('systemd-analyze is missing; .ci/run installs the systemd package');

async function verify(units: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-verify-'));
  const files = Object.entries(units).map(([name, text]) => {
    const file = path.join(dir, `${name}.service`);
    writeFileSync(file, text);
    return file;
  });
  // --man=no: no man page lookups for Documentation=; SYSTEMD_LOG_COLOR off for plain text.
  const result = await execFileAsync('systemd-analyze', ['verify', '--man=no', ...files], { env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  return `${result.stdout}${result.stderr}`.trim();
}

const real = { node: process.execPath };
const context = { version: '0.0.0-test' };

describe.skipIf(!haveAnalyze)('systemd-analyze verify (skipped: systemd-analyze is not installed; apt-get install systemd)', () => {
  test('the default unit and one with every option print nothing', async () => {
    const units = {
      plain: renderSystemdUnit(resolveSpec({ ...real, name: 'plain', script: '/srv/api/server.js' }, 'systemd'), context),
      every: renderSystemdUnit(
        resolveSpec(
          {
            ...real,
            name: 'every',
            description: 'Every option: 100% on',
            script: '/srv/worker/main.mjs',
            args: ['--queue', 'jobs and more', 'price=$5', ';'],
            nodeArgs: ['--max-old-space-size=512'],
            workingDirectory: '/var/lib/worker',
            env: { NODE_ENV: 'production', QUOTED: 'say "hi"' },
            systemd: { runAs: { user: 'root', group: 'root' }, restart: 'always', restartSec: 3, watchdogSec: 20, hardening: { readWritePaths: ['/var/log/worker'] } },
          },
          'systemd',
        ),
        context,
      ),
      user: renderSystemdUnit(resolveSpec({ ...real, name: 'user', script: '/home/me/a.js', systemd: { user: true } }, 'systemd'), context),
    };
    expect(await verify(units)).toBe('');
  });

  test('property: units full of hostile arguments, variables and descriptions print nothing', async () => {
    const strings = [...hostileStrings(400, 3)];
    const units: Record<string, string> = {};
    for (let i = 0; i < 40; i++) {
      const args = strings.slice(i * 8, i * 8 + 6);
      // Descriptions cannot hold line breaks (they are refused, tested in the unit ring).
      const description = (strings[i * 8 + 6] ?? '').replace(/[\n\t\\]/gu, '');
      units[`hostile${i}`] = renderSystemdUnit(
        resolveSpec({ ...real, name: `hostile${i}`, description, script: `/srv/dir with space/${i}.js`, args, env: { VALUE: strings[i * 8 + 7] ?? '' } }, 'systemd'),
        context,
      );
    }
    expect(await verify(units)).toBe('');
  });

  test('env files and credentials with spaces and % in their paths print nothing (EnvironmentFile=, LoadCredential=)', async () => {
    const spec = resolveSpec({ ...real, name: 'delivered', script: '/srv/api/server.js', envFiles: ['/etc/api/app.env', '/etc/api/100% sure.env'], credentials: { 'db.password': '/etc/api/db pass', token: '/etc/api/%token' } }, 'systemd');
    expect(await verify({ delivered: renderSystemdUnit(spec, context) })).toBe('');
  });

  test('the check can fail: a unit with unbalanced quoting and an unknown key is reported', async () => {
    const broken = renderSystemdUnit(resolveSpec({ ...real, name: 'broken', script: '/a.js' }, 'systemd', ), context)
      .replace('ExecStart=', 'ExecStart="')
      .replace('KillMode=mixed', 'KillMode=mixed\nFrobnicate=yes');
    const output = await verify({ broken });
    expect(output).toMatch(/Frobnicate/u);
    expect(output).toMatch(/quot|ExecStart/iu);
  });
});
