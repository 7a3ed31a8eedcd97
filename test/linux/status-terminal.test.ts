// `servicehost status` as text goes to a person's terminal: what a unit or a
// service's output holds (an ESC sequence that clears the screen and draws a
// fake "all good", a C1 CSI, a carriage return, a bidi override) is shown
// escaped, never sent raw. Issue 21. systemctl and journalctl are stand-ins
// here (fixtures/fake-manager-command.js and a scratch script): no systemd runs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';
import { servicehost } from './harness/servicehost-cli';

const fake = path.join(fixturesDir, 'fake-manager-command.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every control a terminal acts on: C0 but newline, DEL, C1, and the bidi/format controls that reorder text.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const forged = '\u001b[2J\u001b[Hapi: running (all good)\r\u009b31m\u202eevil\u007f';

describe.skipIf(process.platform !== 'linux')('status and logs escape controls for the terminal (stand-ins; skipped off Linux)', () => {
  test('a Description and output lines with ESC[2J, CR, C1 CSI, DEL and a bidi override are printed escaped; --json keeps them exact', async () => {
    const journalctl = path.join(dir, 'journalctl');
    writeFileSync(journalctl, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(`${forged}\nplain line\n`)});\n`);
    chmodSync(journalctl, 0o755);
    const env = {
      FAKE_COMMAND_LOG: path.join(dir, 'systemctl.log'),
      XDG_CONFIG_HOME: dir,
      FAKE_COMMAND_STDOUT: `Id=term.service\nDescription=${forged}\nActiveState=failed\nSubState=failed\nExecMainStatus=1\n`,
    };
    const scope = ['--user', '--systemctl', fake, '--journalctl', journalctl];
    const installed = await servicehost(['install', '--name', 'term', '--no-start', ...scope, '--', path.join(fixturesDir, 'lifecycle-service.js')], env);
    expect(installed.code, installed.stderr).toBe(0);

    const status = await servicehost(['status', 'term', ...scope], env);
    expect(status.stderr).toBe('');
    expect(status.stdout).not.toMatch(RAW_CONTROL);
    const escaped = '\\x1b[2J\\x1b[Hapi: running (all good)\\x0d\\x9b31m\\u202eevil\\x7f';
    expect(status.stdout).toContain(`  description: ${escaped}\n`);
    // The output tail (the log reader may split at the CR): escaped too, the plain line untouched.
    const tail = status.stdout.slice(status.stdout.indexOf('\n\n'));
    expect(tail).toContain('\\x1b[2J\\x1b[Hapi: running (all good)');
    expect(tail).toContain('\\x9b31m\\u202eevil\\x7f');
    expect(tail).toContain('\nplain line');

    // `logs` prints the same lines escaped; --json keeps them.
    const logs = await servicehost(['logs', 'term', ...scope], env);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).not.toMatch(RAW_CONTROL);
    expect(logs.stdout).toContain('\\x1b[2J\\x1b[Hapi: running (all good)');
    expect(logs.stdout).toContain('\nplain line\n');

    const json = await servicehost(['status', 'term', ...scope, '--json'], env);
    const parsed = JSON.parse(json.stdout) as { description: string; output: string[] };
    expect(parsed.description).toBe(forged);
    expect(parsed.output[0]).toContain('\u001b[2J');
  });
});
