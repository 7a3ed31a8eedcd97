// Each Windows host's rehearseStop delivers its stop event at once, inside the
// call: the stop rehearsal (StopPath.rehearse) lets only what arrives while it
// runs pass without effect, so an event delivered later would be a real stop.
// The native side is a stand-in: the dispatcher connection and the console
// handler are the real ones in the windows ring.
import { afterEach, expect, test, vi } from 'vitest';
import type { HostEvent } from '../../lib/hosts/host';
import type { NativeDispatcherRecord } from '../../lib/native/windows-binding';

const native = vi.hoisted(() => ({
  consumer: undefined as ((record: NativeDispatcherRecord) => void) | undefined,
  calls: [] as string[],
}));

vi.mock('../../lib/windows/dispatcher', async (original) => ({
  ...(await original<typeof import('../../lib/windows/dispatcher')>()),
  connectDispatcher: () => ({
    protocol: 1,
    owner: '',
    native: {
      setDispatcherPolicy: () => void native.calls.push('setDispatcherPolicy'),
      setControlsAccepted: () => void native.calls.push('setControlsAccepted'),
      setServiceStatus: () => void native.calls.push('setServiceStatus'),
    },
    consume: (listener: (record: NativeDispatcherRecord) => void) => void (native.consumer = listener),
  }),
}));

vi.mock('../../lib/native/load', async (original) => ({
  ...(await original<typeof import('../../lib/native/load')>()),
  windowsNative: () => ({
    startConsoleControlHandler: () => void native.calls.push('startConsoleControlHandler'),
    stopConsoleControlHandler: () => void native.calls.push('stopConsoleControlHandler'),
  }),
}));

const { WindowsServiceHost } = await import('../../lib/hosts/windows-service');
const { WindowsConsoleHost } = await import('../../lib/hosts/windows-console');

const CONTEXT = { startTimeoutMs: 1_000, stopTimeoutMs: 1_000, log: { error() {}, warn() {}, info() {}, debug() {} } };

afterEach(() => {
  native.consumer = undefined;
  native.calls.length = 0;
});

test('the service host: once the SCM called ServiceMain, rehearseStop delivers an SCM stop inside the call, and reports nothing', () => {
  const delivered: HostEvent[] = [];
  const host = new WindowsServiceHost({ exitProcess: () => {} });
  host.open((event) => delivered.push(event), CONTEXT);
  // Before ServiceMain there is no stop to rehearse: nothing (the rehearsal then falls back).
  host.rehearseStop();
  expect(delivered).toEqual([]);
  native.consumer!({ type: 'service-main', args: ['api'], error: undefined, receivedAt: 0 });
  const reported = native.calls.length;
  host.rehearseStop();
  expect(delivered).toEqual([expect.objectContaining({ type: 'stop', reason: 'scm-stop' })]);
  expect(native.calls.length).toBe(reported);
});

test('the console host: once open, rehearseStop delivers a Ctrl-C inside the call', () => {
  const delivered: HostEvent[] = [];
  const host = new WindowsConsoleHost({ exitProcess: () => {} });
  host.rehearseStop();
  expect(delivered).toEqual([]);
  host.open((event) => delivered.push(event), CONTEXT);
  host.rehearseStop();
  expect(delivered).toEqual([{ type: 'stop', reason: 'console', detail: 'ctrl-c', interactive: true }]);
});
