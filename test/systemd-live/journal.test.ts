// service.log under systemd writes <N> syslog prefixes on stderr, which the
// journal turns into priorities: journalctl -p must filter them.
import { afterEach, describe, expect, test } from 'vitest';
import { check, fixtureArgs, removeService, ring, servicehost, serviceName, waitFor } from './harness/guest';

const made: string[] = [];
afterEach(async () => {
  for (const name of made.splice(0)) await removeService(name);
});

describe.skipIf(!ring.available)(`the journal under systemd (${ring.backend})`, () => {
  test("the Service logger's priorities reach journalctl -p", async () => {
    const name = serviceName('journal');
    made.push(name);
    const token = `tok${process.pid}`;
    expect((await servicehost(['install', '--name', name, '--', ...fixtureArgs(name, { log: token })])).code).toBe(0);
    const at = async (priority: string): Promise<string[]> =>
      (await check(['journalctl', '-u', `${name}.service`, '-p', priority, '-o', 'cat', '--no-pager']))
        .split('\n')
        .filter((line) => line.includes(token));
    await waitFor('the debug line in the journal', async () => (await at('debug')).length === 4);
    expect(await at('err')).toEqual([expect.stringMatching(new RegExp(`${token} error line$`, 'u'))]);
    expect(await at('warning')).toHaveLength(2);
    expect(await at('info')).toHaveLength(3);
    expect(await at('debug')).toHaveLength(4);
    // The prefix became the priority: it is not left in the message.
    expect((await at('debug')).join('\n')).not.toMatch(/<\d>/u);
    const priorities = (await check(['journalctl', '-u', `${name}.service`, '-o', 'json', '--no-pager', '--output-fields=MESSAGE,PRIORITY']))
      .split('\n')
      .filter((line) => line.includes(token))
      .map((line) => JSON.parse(line) as { MESSAGE: string; PRIORITY: string })
      .map((entry) => [entry.MESSAGE.replace(/^.*? (\w+) line$/u, '$1'), entry.PRIORITY]);
    expect(priorities).toEqual([['error', '3'], ['warn', '4'], ['info', '6'], ['debug', '7']]);
  });
});
