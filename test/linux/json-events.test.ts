// Events are plain data on Linux too: a Service whose listeners print
// JSON.stringify of every event they are handed, under the posix host and
// under the systemd host (a real notify socket), reloads on SIGHUP, stops on
// SIGTERM with exit 0, and every line it printed parses back.
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap } from './harness/child';
import { NotifyReceiver } from './harness/notify-receiver';

let child: FixtureProcess | undefined;
const receivers: NotifyReceiver[] = [];
afterEach(() => {
  reap(child);
  for (const receiver of receivers.splice(0)) receiver.close();
});

describe.runIf(process.platform !== 'win32')('events a Service listener hears survive JSON.stringify', () => {
  for (const kind of ['posix', 'systemd'] as const) {
    test(`${kind} host: reload and stop, exit 0, every line parses`, async () => {
      if (kind === 'systemd') receivers.push(await NotifyReceiver.start('path'));
      child = new FixtureProcess('json-events-service.js', { env: kind === 'systemd' ? { NOTIFY_SOCKET: receivers[0]!.address } : {} });
      expect((await child.waitForEvent('host')).kind).toBe(kind);
      await child.waitForEvent('running');
      child.kill('SIGHUP');
      await child.waitForEvent('reload');
      child.kill('SIGTERM');
      expect(await child.exited, child.stderr).toEqual({ code: 0, signal: null });
      // A line that is not JSON is collected as 'text': there is none.
      expect(child.names.filter((name) => name === 'text')).toEqual([]);
      const heard = (name: string) => child!.events.items.filter((line) => line.event === name).map((line) => line.args);
      expect(heard('reload')).toEqual([[{ type: 'reload', reason: 'signal', detail: 'SIGHUP' }]]);
      expect(heard('stop')).toEqual([[{ reason: 'signal', detail: 'SIGTERM' }]]);
      expect(heard('statechange').map((args) => (args as { to: string }[])[0]!.to)).toEqual(['running', 'stopping', 'stopped']);
    });
  }
});
