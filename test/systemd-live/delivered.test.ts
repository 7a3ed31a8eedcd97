// Issue 23, "What the manager can deliver", live: `install --credential
// NAME:PATH` (LoadCredential=, systemd 250+) and `--environment-file PATH`
// (EnvironmentFile=) under a real systemd, on each release of the ring. The
// secret reaches the program through credential() alone: never the unit file,
// the unit's environment or the process's.
import { afterEach, describe, expect, test } from 'vitest';
import { FIXTURES, check, events, guest, removeService, ring, servicehost, serviceName, sh, show, waitFor } from './harness/guest';

const user = { name: 'livetester', uid: 1500 };

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) {
    await removeService(name);
    await sh(`rm -rf /etc/${name}`);
  }
});

describe.skipIf(!ring.available)(`credentials and env files under systemd ${ring.systemd} (${ring.release}, ${ring.backend})`, () => {
  test('--credential token:<file> and --environment-file <file>: the program reads both; the secret is in neither the unit nor any environment', async () => {
    const name = serviceName('delivered');
    made.push(name);
    const secret = `s3cret-${process.pid}`;
    // Root's files, as the least-privilege check wants them: the secret 0600, the env file 0644.
    await check(['/bin/sh', '-c', `umask 077 && mkdir -p /etc/${name} && printf '%s\\n' "$1" > /etc/${name}/token && printf 'GREETING=hello from the env file\\nQUOTED="two  spaces"\\n' > /etc/${name}/app.env && chmod 0644 /etc/${name}/app.env && chmod 0755 /etc/${name}`, 'sh', secret]);
    const installed = await servicehost(['install', '--name', name, '--credential', `token:/etc/${name}/token`, '--environment-file', `/etc/${name}/app.env`, '--', `${FIXTURES}/delivered-service.js`, name]);
    expect(installed.code, installed.stderr).toBe(0);
    const delivered = await waitFor('the delivered event', async () => (await events(name)).find((event) => event.event === 'delivered'));
    expect(delivered).toMatchObject({
      token: `${secret}\n`,
      tokenAsync: `${secret}\n`,
      absent: 'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND',
      credentialsDirectory: `/run/credentials/${name}.service`,
      greeting: 'hello from the env file',
      quoted: 'two  spaces',
    });
    const unitFile = await check(['cat', `/etc/systemd/system/${name}.service`]);
    expect(unitFile).toContain(`LoadCredential=token:/etc/${name}/token`);
    expect(unitFile).toContain(`EnvironmentFile=/etc/${name}/app.env`);
    expect(unitFile).not.toContain(secret);
    const shown = await show(`${name}.service`, ['Environment', 'MainPID', 'ActiveState']);
    expect(shown.ActiveState).toBe('active');
    expect(shown.Environment).not.toContain(secret);
    expect(await check(['cat', `/proc/${shown.MainPID}/environ`])).not.toContain(secret);
    // systemd's copy is the service's alone.
    expect((await check(['stat', '-c', '%a %U', `/run/credentials/${name}.service/token`])).trim()).toMatch(/^(400|440) root$/u);
  });

  test('an env file another user can write is refused at install (exit 10), naming the file', async () => {
    const name = serviceName('envfile-unsafe');
    made.push(name);
    await check(['/bin/sh', '-c', `mkdir -p /etc/${name} && echo GREETING=x > /etc/${name}/app.env && chmod 0666 /etc/${name}/app.env`]);
    const refused = await servicehost(['install', '--name', name, '--environment-file', `/etc/${name}/app.env`, '--', `${FIXTURES}/delivered-service.js`, name]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`/etc/${name}/app.env: writable by everyone`);
    expect((await guest(['test', '-e', `/etc/systemd/system/${name}.service`])).code).not.toBe(0);
  });

  test("an env file's NODE_OPTIONS: systemd hands it over and node loads its --require; that preload owned by another user is refused at install (exit 10)", async () => {
    const name = serviceName('envfile-preload');
    made.push(name);
    const hook = `/etc/${name}/hook.js`;
    await check(['/bin/sh', '-c', `mkdir -p /etc/${name} && printf 'globalThis.servicehostLiveHook = "loaded";\\n' > ${hook} && printf 'NODE_OPTIONS="--require %s"\\n' "$1" > /etc/${name}/app.env && chmod 0644 ${hook} /etc/${name}/app.env && chmod 0755 /etc/${name}`, 'sh', hook]);
    await check(['chown', 'nobody', hook]);
    const refused = await servicehost(['install', '--name', name, '--environment-file', `/etc/${name}/app.env`, '--', `${FIXTURES}/delivered-service.js`, name]);
    expect(refused.code, refused.stderr).toBe(10);
    expect(refused.stderr).toContain(`${hook}: owned by uid`);
    expect((await guest(['test', '-e', `/etc/systemd/system/${name}.service`])).code).not.toBe(0);
    await check(['chown', 'root', hook]);
    const installed = await servicehost(['install', '--name', name, '--environment-file', `/etc/${name}/app.env`, '--', `${FIXTURES}/delivered-service.js`, name]);
    expect(installed.code, installed.stderr).toBe(0);
    const delivered = await waitFor('the delivered event', async () => (await events(name)).find((event) => event.event === 'delivered'));
    expect(delivered).toMatchObject({ hooked: 'loaded', token: null });
  });

  test('--credential in a --user unit (a lingering user): the user\'s own file reaches credential() under the user\'s manager', async () => {
    const name = serviceName('user-credential');
    await sh(`id ${user.name} >/dev/null 2>&1 || useradd --create-home --uid ${user.uid} ${user.name}`);
    await check(['install', '-d', '-m', '0777', '/results']);
    await check(['loginctl', 'enable-linger', user.name]);
    try {
      await waitFor("the user's manager", async () => (await show(`user@${user.uid}.service`, ['ActiveState'])).ActiveState === 'active', 20_000);
      const secret = `user-s3cret-${process.pid}`;
      const token = `/home/${user.name}/${name}.token`;
      await check(['/bin/sh', '-c', `umask 077 && printf '%s\\n' "$1" > ${token}`, 'sh', secret], { user });
      const installed = await servicehost(['install', '--user', '--name', name, '--credential', `token:${token}`, '--', `${FIXTURES}/delivered-service.js`, name], { user });
      expect(installed.code, `${installed.stdout}${installed.stderr}`).toBe(0);
      const delivered = await waitFor('the delivered event', async () => (await events(name)).find((event) => event.event === 'delivered'));
      expect(delivered).toMatchObject({ token: `${secret}\n`, tokenAsync: `${secret}\n`, absent: 'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND', uid: user.uid });
      // The user manager's own credentials folder, under the user's runtime directory.
      expect(delivered.credentialsDirectory).toMatch(new RegExp(`^/run/user/${user.uid}/credentials/${name}\\.service$`, 'u'));
      const unitFile = await check(['cat', `/home/${user.name}/.config/systemd/user/${name}.service`]);
      expect(unitFile).toContain(`LoadCredential=token:${token}`);
      expect(unitFile).not.toContain(secret);
      expect((await servicehost(['uninstall', '--user', name], { user })).code).toBe(0);
    } finally {
      await sh(`rm -f /results/${name}.jsonl; true`);
      await guest(['loginctl', 'disable-linger', user.name]);
    }
  });
});
