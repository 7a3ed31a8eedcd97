// service.add(resource), compiled (the drain's code loads lazily): which teardown phase each kind of resource lands in.
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { resourceStep } from '../../dist/lifecycle/resources';

describe('resourceStep', () => {
  test('a net.Server stops accepting in the drain phase, even though it has Symbol.asyncDispose', async () => {
    const server = net.createServer();
    // Node 18.18+ and 20.5+ give net.Server an asyncDispose; the server must still drain first.
    expect(typeof (server as unknown as Record<symbol, unknown>)[Symbol.asyncDispose]).toBe('function');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const step = resourceStep(server);
    expect(step.phase).toBe('drain');
    await step.run({ signal: new AbortController().signal, name: step.name, phase: step.phase });
    expect(server.listening).toBe(false);
  });

  test('a pool with asyncDispose, close() or end() closes in the close phase', () => {
    expect(resourceStep({ [Symbol.asyncDispose]: async () => {} }).phase).toBe('close');
    expect(resourceStep({ close: () => {} }).phase).toBe('close');
    expect(resourceStep({ end: () => {} }).phase).toBe('close');
  });
});
