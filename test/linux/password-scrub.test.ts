// SERVICEHOST_ACCOUNT_PASSWORD never reaches a child of the `servicehost`
// command, whichever verb runs: the recording stand-in for systemctl
// (fixtures/fake-manager-command.js) writes down the names of the variables
// each child sees. Issue 21: stop and restart used to hand it on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';
import { servicehost } from './harness/servicehost-cli';

const fake = path.join(fixturesDir, 'fake-manager-command.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-password-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(process.platform !== 'linux')('the account password in children\'s environment (systemctl stand-in; skipped off Linux)', () => {
  const script = path.join(fixturesDir, 'lifecycle-service.js');
  const scope = ['--user', '--systemctl', fake];
  // install first: the unit the later verbs act on.
  const runs: [string, string[]][] = [
    ['install', ['install', '--name', 'pw', ...scope, '--', script]],
    ['configure', ['configure', '--name', 'pw', ...scope, '--', script]],
    ['start', ['start', 'pw', ...scope]],
    ['stop', ['stop', 'pw', ...scope]],
    ['restart', ['restart', 'pw', ...scope]],
    ['status', ['status', 'pw', ...scope, '--no-output']],
    ['uninstall', ['uninstall', 'pw', ...scope]],
  ];

  test.each(runs)('%s: no child sees SERVICEHOST_ACCOUNT_PASSWORD', async (verb, args) => {
    const envLog = path.join(dir, `${verb}.env.log`);
    const env = { FAKE_COMMAND_LOG: path.join(dir, 'systemctl.log'), FAKE_COMMAND_ENV_LOG: envLog, XDG_CONFIG_HOME: dir, SERVICEHOST_ACCOUNT_PASSWORD: 's3cret' };
    const run = await servicehost(args, env);
    // status exits 3 (not running): the stand-in answers `show` with nothing.
    expect([0, 3], run.stderr).toContain(run.code);
    const seen = readFileSync(envLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(seen.length).toBeGreaterThan(0);
    for (const names of seen) {
      // The record is real: the children do see the variables around it.
      expect(names).toContain('FAKE_COMMAND_ENV_LOG');
      expect(names).not.toContain('SERVICEHOST_ACCOUNT_PASSWORD');
    }
  });
});
