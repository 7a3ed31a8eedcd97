// The package's entry picks the host of a Service given none (detection loads
// a platform's host on first use, so the built package runs here), and hands
// the host what concerns it alone: `new Service({ stopSignals })` still works,
// checked by the posix or systemd host it reaches. In process: signals are
// emitted on `process`; real ones to a real child are in signals.test.ts.
import { describe, expect, test } from 'vitest';
import { Service } from '../../dist';
import { detectHost } from '../../dist/hosts/detect';
import type { HostEvent } from '../../dist/hosts/host';
import { recordingLogger } from '../unit/helpers/recording-host';

// Detection then picks the posix host, whatever this process's environment says.
const notSystemd = { systemd: { env: {} } };

describe('the entry picks the host', () => {
  test('new Service({ stopSignals }) reaches the posix host it picks, which checks the lists and handles what they name', async () => {
    const options = { exitProcess: () => {}, handleUncaughtErrors: false, logger: recordingLogger(), hostOptions: notSystemd };
    expect(() => new Service({ ...options, stopSignals: ['SIGKILL'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/options\.stopSignals: SIGKILL cannot be used/u) }),
    );
    const service = new Service({ ...options, stopSignals: ['SIGUSR2'], reloadSignals: [] });
    expect(service.host.kind).toBe('posix');
    const stops: unknown[] = [];
    service.on('stop', (event) => stops.push(event));
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(stops).toEqual([{ reason: 'signal', detail: 'SIGUSR2' }]);
    // The stop ends in the host's close: exitProcess returns, and the host gives the signals back.
    expect((await service.stopped).exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  test('the systemd host gets the lists too, and checks them', () => {
    const systemd = { systemd: { env: { NOTIFY_SOCKET: '/run/servicehost-test/nowhere' } } };
    expect(() => detectHost({ reloadSignals: ['SIGSTOP'], hostOptions: systemd })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(detectHost({ stopSignals: ['SIGUSR2'], hostOptions: systemd }).kind).toBe('systemd');
  });

  test('the picked host rehearses its own first stop signal', () => {
    const host = detectHost({ stopSignals: ['SIGUSR2', 'SIGTERM'], hostOptions: notSystemd });
    const events: HostEvent[] = [];
    host.open((event) => events.push(event), { startTimeoutMs: 1000, stopTimeoutMs: 1000, log: recordingLogger() });
    try {
      host.rehearseStop?.();
      expect(events).toEqual([{ type: 'stop', reason: 'signal', detail: 'SIGUSR2', interactive: false }]);
    } finally {
      host.dispose?.();
    }
  });
});
