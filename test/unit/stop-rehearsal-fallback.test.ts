// The stop rehearsal when the host's own rehearsal delivers nothing: the
// service's own delivery rehearses the path instead, and says so.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Service } from '../../lib/lifecycle/service';
import { STOP_REHEARSALS } from '../../lib/lifecycle/stop';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

// A host with a rehearsal of its own that delivers nothing (a posix host
// with no stop signal, a Windows service before ServiceMain).
class SilentRehearsalHost extends RecordingHost {
  rehearsals = 0;
  rehearseStop(): void {
    this.rehearsals += 1;
  }
}

test('a host whose rehearsal delivers nothing: the service\'s own delivery rehearses the stop path, a debug line and the channel say so, and nothing happens', async () => {
  const seen: unknown[] = [];
  const record = (message: unknown) => seen.push(message);
  subscribe('servicehost:stop-rehearsal', record);
  try {
    const host = new SilentRehearsalHost();
    const logger = recordingLogger();
    const service = new Service({ host, logger, handleUncaughtErrors: false, name: 'api' });
    const stops: unknown[] = [];
    service.on('stop', (event) => stops.push(event));
    await service.start();
    await vi.advanceTimersByTimeAsync(1);
    // Asked once; then the stop that names no platform, through the service's delivery.
    expect(host.rehearsals).toBe(1);
    expect(seen).toEqual([{ part: 'service', reason: 'programmatic', detail: undefined, fellBack: true }]);
    expect(logger.lines.filter((line) => line.startsWith('debug: '))).toEqual([
      "debug: api: the posix host's stop rehearsal delivered nothing: the stop path was rehearsed from the service's own delivery",
    ]);
    expect(stops).toEqual([]);
    expect(service.state).toBe('running');
    expect(service.signal.aborted).toBe(false);
    expect(host.closes).toEqual([]);
    // The real stop after it is the host's, whole.
    host.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM' });
    expect(stops).toEqual([{ reason: 'signal', detail: 'SIGTERM' }]);
    await service.stopped;
    await vi.advanceTimersByTimeAsync(1);
    expect(host.closes).toEqual([expect.objectContaining({ exitCode: 0 })]);
  } finally {
    unsubscribe('servicehost:stop-rehearsal', record);
  }
});

test('a host whose rehearsal delivers: no fallback, no debug line, the host asked STOP_REHEARSALS times', async () => {
  const seen: unknown[] = [];
  const record = (message: unknown) => seen.push(message);
  subscribe('servicehost:stop-rehearsal', record);
  try {
    const host = new (class extends RecordingHost {
      rehearsals = 0;
      rehearseStop(): void {
        this.rehearsals += 1;
        this.deliver({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
      }
    })();
    const logger = recordingLogger();
    const service = new Service({ host, logger, handleUncaughtErrors: false });
    await service.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(host.rehearsals).toBe(STOP_REHEARSALS);
    expect(seen).toEqual([{ part: 'service', reason: 'signal', detail: 'SIGTERM' }]);
    expect(seen[0]).not.toHaveProperty('fellBack');
    expect(logger.lines.filter((line) => line.startsWith('debug: '))).toEqual([]);
    service.dispose();
  } finally {
    unsubscribe('servicehost:stop-rehearsal', record);
  }
});
