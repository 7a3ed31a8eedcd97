// What servicehost's errors say, and what they carry (outside test, LOW): a
// listen that fails is a ServicehostError with the system's code, errno and
// syscall, as serveHealth's is; a huge value is cut in the message; NaN reads
// NaN; no "undefined undefined"; a signal in both lists is named once, in the
// caller's words.
import net from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { PosixHost } from '../../lib/hosts/posix';
import { listenService, type ListeningService } from '../../lib/lifecycle/listen';
import { Service } from '../../lib/lifecycle/service';
import { showValue } from '../../lib/validate';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function fakeService(): ListeningService {
  return { add: () => undefined, log: recordingLogger(), signal: new AbortController().signal, name: 'web' };
}

test('service.listen on a port in use rejects with a ServicehostError: EADDRINUSE, errno and syscall kept, the cause attached', async () => {
  const holder = net.createServer();
  servers.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  const server = net.createServer();
  servers.push(server);
  const failure = await listenService(fakeService(), server, `127.0.0.1:${port}`).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toMatchObject({ name: 'ServicehostError', code: 'EADDRINUSE', syscall: 'listen', message: expect.stringMatching(new RegExp(`^service\\.listen\\(server, target\\): cannot listen on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE`, 'u')) });
  expect(typeof (failure as { errno?: unknown }).errno).toBe('number');
  expect((failure as { cause?: { code?: string } }).cause?.code).toBe('EADDRINUSE');
});

test('a 100 KB listen target is cut in the message; NaN reads NaN, not null', async () => {
  const huge = `/${'a'.repeat(100_000)}`;
  const failure = (await listenService(fakeService(), net.createServer(), huge).catch((error: Error) => error)) as Error;
  expect(failure.message.length).toBeLessThan(400);
  expect(failure.message).toContain('(100001 characters)');
  await expect(listenService(fakeService(), net.createServer(), Number.NaN)).rejects.toMatchObject({ message: expect.stringMatching(/target: NaN is not a port/u) });
  expect(showValue('x'.repeat(81))).toBe(`"${'x'.repeat(80)}"… (81 characters)`);
});

test('a host handed in without open says what it got: undefined, once', () => {
  const host = { ...new RecordingHost(), open: undefined, listen() {}, report() {}, statusText: () => false, close: async () => {} };
  expect(() => new Service({ host: host as never, logger: recordingLogger() })).toThrow(/options\.host\.open must be a function; got undefined$/u);
});

test('a signal in both lists is named once, in the caller\'s words', () => {
  expect(() => new PosixHost({ stopSignals: ['SIGHUP'], reloadSignals: ['SIGHUP'] })).toThrow(
    /^new Service\(options\): options\.stopSignals and options\.reloadSignals both name SIGHUP: a signal either stops or reloads$/u,
  );
});

test('an event name that is no event, however long or whatever its type, is shown cut', () => {
  const service = new Service({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false });
  try {
    expect(() => service.on('x'.repeat(10_000) as never, () => {})).toThrow(/^Service has no event "x{80}"… \(10000 characters\); its events are/u);
    expect(() => service.on(Symbol('s') as never, () => {})).toThrow(/^Service has no event a symbol;/u);
  } finally {
    service.dispose();
  }
});
