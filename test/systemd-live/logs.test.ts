// `servicehost logs` and status's last lines under a real systemd, through
// journalctl, and a start failure whose output names the thrown error.
import { describe, expect, test } from 'vitest';
import { FIXTURES, check, fixtureArgs, guest, removeService, ring, servicehost, serviceName, sh, show, waitFor } from './harness/guest';

/** Runs `body` with a fresh service name, and removes whatever the test made of that service after. */
async function withName(label: string, body: (name: string) => Promise<void>): Promise<void> {
  const name = serviceName(label);
  try {
    await body(name);
  } finally {
    await removeService(name);
  }
}

// The read-only checkout holds folders others may write (the guest's own root under build/): what the
// least-privilege check refuses is not what these tests are about.
const INSTALL = ['--allow-writable'];

const linesOf = (stdout: string): string[] => stdout.split('\n').filter(Boolean);

describe.skipIf(!ring.available)(`servicehost logs under systemd (${ring.backend})`, () => {
  test('logs prints the unit\'s journal lines; --lines the last N; --json; status ends with them', () => withName('logs', async (name) => {
    const token = `tok${process.pid}`;
    const installed = await servicehost(['install', ...INSTALL, '--name', name, '--', ...fixtureArgs(name, { log: token })]);
    expect(installed.code, installed.stderr).toBe(0);
    // The Service logger's four lines (error, warn, info, debug), in order, and systemd's own
    // "Started" line, which a loaded journal may put before, among or after them: the unit's
    // whole journal is then written, and --lines N is its last N, whichever lines they are.
    const full = await waitFor('the four lines and systemd\'s Started line in servicehost logs', async () => {
      const run = await servicehost(['logs', name]);
      const lines = linesOf(run.stdout);
      const ours = lines.filter((line) => line.includes(token));
      return run.code === 0 && ours.length === 4 && lines.some((line) => line.startsWith('Started ')) ? lines : undefined;
    });
    const all = full.filter((line) => line.includes(token));
    expect(all.map((line) => line.replace(/^.*? (\w+) line$/u, '$1'))).toEqual(['error', 'warn', 'info', 'debug']);

    const last = await servicehost(['logs', name, '--lines', '2']);
    expect(last.code, last.stderr).toBe(0);
    expect(linesOf(last.stdout)).toEqual(full.slice(-2));

    const json = await servicehost(['logs', name, '--lines', '1', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ name, source: `journalctl --unit=${name}.service --no-pager --output=cat --lines=1`, lines: full.slice(-1) });

    const since = await servicehost(['logs', name, '--since', '1 hour ago']);
    expect(linesOf(since.stdout).filter((line) => line.includes(token))).toEqual(all);

    const status = await servicehost(['status', name, '--lines', '2']);
    expect(status.code, status.stderr).toBe(0);
    expect(linesOf(status.stdout).slice(-2)).toEqual(full.slice(-2));
    const statusJson = JSON.parse((await servicehost(['status', name, '--json'])).stdout) as { output: string[] };
    expect(statusJson.output.filter((line) => line.includes(token))).toEqual(all);
  }));

  test('a unit with nothing in the journal says so and exits 0; a missing one exits 4', () => withName('logs-none', async (name) => {
    expect((await servicehost(['install', ...INSTALL, '--no-start', '--name', name, '--', ...fixtureArgs(name)])).code).toBe(0);
    const none = await servicehost(['logs', name]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`${name} has written no output yet`);
    expect((await servicehost(['logs', `${name}-missing`])).code).toBe(4);
  }));

  test('install of a program that throws while loading exits 8 and prints the thrown message, from the journal', () => withName('logs-throw', async (name) => {
    const marker = `marker${process.pid}`;
    const started = Date.now();
    const install = await servicehost(['install', ...INSTALL, '--name', name, '--', `${FIXTURES}/throws-at-import.js`, marker]);
    const ms = Date.now() - started;
    console.log(`install of an import-time throw: exit ${install.code} after ${ms} ms\n${install.stderr}`);
    expect(install.code, install.stderr).toBe(8);
    expect(install.stderr).toContain(`Error: configuration is missing: ${marker}`);
    expect(install.stderr).toContain(`starting ${marker}`);
    expect(install.stderr).toMatch(/Its last \d+ lines:/u);
    expect(ms).toBeLessThan(15_000);
    // --json: the same lines as a list, for scripts.
    const json = await servicehost(['install', ...INSTALL, '--json', '--name', name, '--', `${FIXTURES}/throws-at-import.js`, marker]);
    expect(json.code).toBe(8);
    expect((JSON.parse(json.stdout) as { error: { output: string[] } }).error.output).toContain(`Error: configuration is missing: ${marker}`);
  }));

  test("a --user unit's lines, read as its user through journalctl --user-unit", async () => {
    // 1500 is user-unit.test.ts's user and 1501 docs.test.ts's: the ring's files share one guest.
    const user = { name: 'logtester', uid: 1502 };
    const name = serviceName('logs-user');
    const token = `usertok${process.pid}`;
    await sh(`id ${user.name} >/dev/null 2>&1 || useradd --create-home --uid ${user.uid} ${user.name}`);
    await check(['install', '-d', '-m', '0777', '/results']);
    await check(['loginctl', 'enable-linger', user.name]);
    try {
      await waitFor("the user's manager", async () => (await show(`user@${user.uid}.service`, ['ActiveState'])).ActiveState === 'active', 20_000);
      const installed = await servicehost(['install', '--user', ...INSTALL, '--name', name, '--', ...fixtureArgs(name, { log: token })], { user });
      expect(installed.code, installed.stderr).toBe(0);
      const ours = await waitFor('the four lines as the user', async () => {
        const run = await servicehost(['logs', '--user', name], { user });
        const lines = linesOf(run.stdout).filter((line) => line.includes(token));
        return run.code === 0 && lines.length === 4 ? lines : undefined;
      });
      expect(ours.map((line) => line.replace(/^.*? (\w+) line$/u, '$1'))).toEqual(['error', 'warn', 'info', 'debug']);
    } finally {
      await servicehost(['uninstall', '--user', name], { user });
      await guest(['loginctl', 'disable-linger', user.name]);
    }
  });
});
