// Issue 21, the unit round trip under a running systemd 252: a service
// installed with arguments, a working directory, a description and variables
// full of what systemd reads specially ($, %, quotes, backslashes, spaces,
// non-ASCII) gets exactly those: `systemctl show` reads the Description and
// WorkingDirectory back, and the program records the argv, cwd and
// environment it was started with. The values systemd would change are
// refused (test/unit/systemd-unit-limits.test.ts, test/linux/systemd-parse.test.ts).
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES, check, guest, removeService, ring, servicehost, serviceName, show, waitFor } from './harness/guest';

const made: string[] = [];
afterAll(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`the unit round trip (${ring.backend})`, () => {
  test('argv with $, %, quotes and spaces, a WorkingDirectory and Description with them, and Environment values reach systemd and the program unchanged', async () => {
    const name = serviceName('roundtrip');
    made.push(name);
    const cwd = `/srv/round trip "q" %i $HOME é`;
    await check(['install', '-d', '-m', '0755', cwd]);
    const description = 'Round trip: 100% "ok" $HOME \\x  inner  é✓';
    const args = ['x$y', '${HOME}', '$HOME', '%h', '%%', 'q"uote', 'back\\slash', "it's", ' lead', 'trail ', 'tab\there', 'é✓', ';', ''];
    const env = { A: '$HOME %h "q" \\ é', B: ' padded ' };
    // --allow-writable: the checkout in the guest is not root's alone; the check is not what this test is about.
    const installed = await servicehost([
      'install', '--allow-writable', '--name', name, '--cwd', cwd, '--description', description,
      ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      '--', `${FIXTURES}/round-trip-service.js`, name, ...args,
    ]);
    expect(installed.code, `${installed.stdout}${installed.stderr}`).toBe(0);

    const shown = await show(`${name}.service`, ['Description', 'WorkingDirectory', 'ActiveState']);
    expect(shown).toEqual({ Description: description, WorkingDirectory: cwd, ActiveState: 'active' });
    const started = await waitFor('the program to record how it was started', async () => {
      const read = await guest(['cat', `/results/${name}.json`]);
      return read.code === 0 && read.stdout !== '' ? (JSON.parse(read.stdout) as { args: string[]; cwd: string; env: Record<string, string> }) : undefined;
    });
    expect(started).toEqual({ args, cwd, env });
    // And status reads the same values back from the unit.
    const status = JSON.parse((await servicehost(['status', name, '--json', '--no-output'])).stdout) as { description: string; workingDirectory: string; argv: string[] };
    expect(status.description).toBe(description);
    expect(status.workingDirectory).toBe(cwd);
    expect(status.argv.slice(-args.length - 1)).toEqual([name, ...args]);
    expect((await servicehost(['uninstall', name])).code).toBe(0);
  });

  test('a padded WorkingDirectory, a $ in the node path and a uid systemd refuses are refused before anything is written', async () => {
    const name = serviceName('refused');
    made.push(name);
    await check(['install', '-d', '-m', '0755', '/srv/pad ']);
    const refusals: [string[], RegExp][] = [
      [['--cwd', '/srv/pad '], /WorkingDirectory=.*space/u],
      [['--node', '/usr/local/bin/no$de'], /ExecStart=.*'\$'/u],
      [['--run-as', '4294967295'], /User=/u],
      [['--run-as', 'a:b:c'], /--run-as/u],
      [['--description', ' padded'], /Description=.*space/u],
    ];
    for (const [extra, why] of refusals) {
      const run = await servicehost(['install', '--allow-writable', '--name', name, ...extra, '--json', '--', `${FIXTURES}/round-trip-service.js`, name]);
      expect(run.code, `${extra.join(' ')}: ${run.stdout}${run.stderr}`).toBe(2);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(why) });
      expect((await guest(['test', '-e', `/etc/systemd/system/${name}.service`])).code).not.toBe(0);
    }
  });
});
