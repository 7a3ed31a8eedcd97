// The stop rehearsal when the host's own rehearsal delivers nothing: the
// service's own delivery rehearses the path instead, and says so.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { HostEvent } from '../../lib/hosts/host';
import { Service } from '../../lib/lifecycle/service';
import { STOP_REHEARSALS } from '../../lib/lifecycle/stop';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

// A host with a rehearsal of its own that delivers `stop`, or nothing (a posix
// host with no stop signal, a Windows service before ServiceMain).
class RehearsingHost extends RecordingHost {
  rehearsals = 0;
  constructor(readonly stop: HostEvent | undefined) {
    super();
  }
  rehearseStop(): void {
    this.rehearsals += 1;
    if (this.stop) this.deliver(this.stop);
  }
}

/** A started service on `host`, with what its rehearsal published and logged at debug level, and the stops its listener heard. */
async function rehearsed(host: RehearsingHost) {
  const seen: unknown[] = [];
  const record = (message: unknown) => seen.push(message);
  subscribe('servicehost:stop-rehearsal', record);
  const logger = recordingLogger();
  const service = new Service({ host, logger, handleUncaughtErrors: false, name: 'api' });
  const stops: unknown[] = [];
  service.on('stop', (event) => stops.push(event));
  try {
    await service.start();
    await vi.advanceTimersByTimeAsync(1);
  } finally {
    unsubscribe('servicehost:stop-rehearsal', record);
  }
  return { service, seen, stops, debug: logger.lines.filter((line) => line.startsWith('debug: ')) };
}

test('a host whose rehearsal delivers nothing: the service\'s own delivery rehearses the stop path, a debug line and the channel say so, and nothing happens', async () => {
  const host = new RehearsingHost(undefined);
  const { service, seen, stops, debug } = await rehearsed(host);
  // Asked once; then the stop that names no platform, through the service's delivery.
  expect(host.rehearsals).toBe(1);
  expect(seen).toEqual([{ part: 'service', reason: 'programmatic', detail: undefined, fellBack: true }]);
  expect(debug).toEqual(["debug: api: the posix host's stop rehearsal delivered nothing: the stop path was rehearsed from the service's own delivery"]);
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
});

test('a host whose rehearsal delivers: no fallback, no debug line, the host asked STOP_REHEARSALS times', async () => {
  const host = new RehearsingHost({ type: 'stop', reason: 'signal', detail: 'SIGTERM', interactive: false });
  const { service, seen, stops, debug } = await rehearsed(host);
  expect(host.rehearsals).toBe(STOP_REHEARSALS);
  expect(seen).toEqual([{ part: 'service', reason: 'signal', detail: 'SIGTERM' }]);
  expect(seen[0]).not.toHaveProperty('fellBack');
  expect(debug).toEqual([]);
  expect(stops).toEqual([]);
  service.dispose();
});
