// service.listen(server, target, options): what it refuses before touching a
// socket, each with a typed error in the caller's words.
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { listenService, type ListeningService } from '../../lib/lifecycle/listen';

function fakeService(aborted = false): ListeningService & { added: object[]; warnings: string[] } {
  const added: object[] = [];
  const warnings: string[] = [];
  const controller = new AbortController();
  if (aborted) controller.abort();
  return {
    added,
    warnings,
    add: (resource: object) => added.push(resource),
    log: { error() {}, warn: (message: string) => warnings.push(message), info() {}, debug() {} },
    signal: controller.signal,
    name: 'web',
  };
}

describe('service.listen refuses', () => {
  test.each([
    ['a port out of range', 70_000, {}, 'ERR_INVALID_ARG_VALUE', /not a port from 1 to 65535/u],
    ['a host name', 'localhost:8080', {}, 'ERR_INVALID_ARG_VALUE', /give an IP address/u],
    ['a relative socket path', './app.sock', {}, 'ERR_INVALID_ARG_VALUE', /socket path must be absolute/u],
    ['a target that is no address and no name', 'a:b:c', {}, 'ERR_INVALID_ARG_VALUE', /names the host "a:b"/u],
    ['a name systemd cannot carry', 8080, { name: 'a:b' }, 'ERR_INVALID_ARG_VALUE', /is not a FileDescriptorName=/u],
    ['a target of the wrong type', null, {}, 'ERR_INVALID_ARG_TYPE', /must be a port number or a string/u],
  ])('%s', async (_label, target, options, code, message) => {
    const service = fakeService();
    await expect(listenService(service, net.createServer(), target as never, options)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(service.added).toEqual([]);
  });

  test('something that is not a server', async () => {
    await expect(listenService(fakeService(), {} as never, 8080)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/must be a net, http, https or http2 server/u) });
  });

  test('a name alone when systemd passed no socket of that name: nothing to bind', async () => {
    await expect(listenService(fakeService(), net.createServer(), 'admin')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringMatching(/systemd passed no socket of that name \(passed: none\).*service\.listen\(server, 8080, \{ name: "admin" \}\)/u),
    });
  });

  test('a listen after a stop was requested', async () => {
    await expect(listenService(fakeService(true), net.createServer(), 8080)).rejects.toMatchObject({ code: 'ERR_SERVICEHOST_STOPPED' });
  });

  test('binds, adds the server to the teardown, and resolves once it accepts', async () => {
    const service = fakeService();
    const server = net.createServer();
    const probe = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const listening = await listenService(service, server, `127.0.0.1:${port}`);
    expect(server.listening).toBe(true);
    expect(listening).toEqual({ inherited: false, address: { address: '127.0.0.1', family: 'IPv4', port } });
    expect(service.added).toEqual([server]);
    await new Promise((resolve) => server.close(resolve));
  });
});
