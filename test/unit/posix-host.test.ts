// The signal lists are the posix and systemd hosts' options, checked there;
// the host's stop rehearsal runs its own signal handler through to the
// delivery. Signals are emitted on `process` (its listeners run at once); real
// ones, and the way from `new Service(options)` through the entry's pick of
// the host, are in test/linux (host-pick.test.ts, signals.test.ts).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, test } from 'vitest';
import type { HostEvent } from '../../lib/hosts/host';
import { PosixHost } from '../../lib/hosts/posix';
import { SystemdHost } from '../../lib/hosts/systemd/systemd-host';
import { recordingLogger } from './helpers/recording-host';

const opened: PosixHost[] = [];
afterEach(() => {
  for (const host of opened.splice(0)) host.dispose();
});

function open(host: PosixHost): HostEvent[] {
  const events: HostEvent[] = [];
  host.open((event) => events.push(event), { startTimeoutMs: 1000, stopTimeoutMs: 1000, log: recordingLogger() });
  opened.push(host);
  return events;
}

const stop = (signal: string, interactive = false) => ({ type: 'stop', reason: 'signal', detail: signal, interactive });

describe('stopSignals and reloadSignals: the posix and systemd hosts\' options', () => {
  test('the host handles the signals its lists name, and leaves the rest to Node', () => {
    const sigterm = process.listenerCount('SIGTERM');
    const host = new PosixHost({ stopSignals: ['SIGUSR2', 'SIGQUIT'], reloadSignals: ['SIGHUP'] });
    const events = open(host);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGQUIT', 'SIGQUIT');
    process.emit('SIGHUP', 'SIGHUP');
    host.listen(new Set(['stop', 'reload']));
    process.emit('SIGHUP', 'SIGHUP');
    expect(events).toEqual([stop('SIGUSR2'), stop('SIGQUIT', true), stop('SIGHUP'), { type: 'reload', reason: 'signal', detail: 'SIGHUP' }]);
  });

  test('a list left out is its default less what the other names', () => {
    const sigterm = process.listenerCount('SIGTERM');
    const host = new PosixHost({ stopSignals: ['SIGHUP'] });
    const events = open(host);
    host.listen(new Set(['reload']));
    process.emit('SIGHUP', 'SIGHUP');
    expect(events).toEqual([stop('SIGHUP')]);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
  });

  test('what cannot be caught, is not a signal, or is in both lists is refused, by the posix and the systemd host', () => {
    const refused = expect.objectContaining({ code: expect.stringMatching(/^ERR_INVALID_ARG_(VALUE|TYPE)$/u) });
    for (const Host of [PosixHost, SystemdHost]) {
      for (const bad of [['SIGKILL'], ['SIGSTOP'], ['SIGUSR1'], ['SIGNOPE'], 'SIGTERM']) {
        expect(() => new Host({ stopSignals: bad as NodeJS.Signals[] }), `${Host.name} ${String(bad)}`).toThrow(refused);
        expect(() => new Host({ reloadSignals: bad as NodeJS.Signals[] }), `${Host.name} ${String(bad)}`).toThrow(refused);
      }
      expect(() => new Host({ stopSignals: ['SIGHUP'], reloadSignals: ['SIGHUP'] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
  });
});

describe('the posix host\'s stop rehearsal', () => {
  test('runs the first stop signal\'s handler through to the delivery, as the signal would', () => {
    const seen: unknown[] = [];
    const record = (message: unknown) => seen.push(message);
    subscribe('servicehost:stop-rehearsal', record);
    try {
      const host = new PosixHost({ stopSignals: ['SIGUSR2', 'SIGTERM'] });
      const events = open(host);
      host.rehearseStop();
      expect(events).toEqual([stop('SIGUSR2')]);
      expect(seen).toEqual([{ part: 'host', kind: 'posix' }]);
    } finally {
      unsubscribe('servicehost:stop-rehearsal', record);
    }
  });

  test('delivers nothing before open, after dispose, or with no stop signal', () => {
    const early = new PosixHost();
    expect(() => early.rehearseStop()).not.toThrow();
    const none = new PosixHost({ stopSignals: [] });
    const noneEvents = open(none);
    none.rehearseStop();
    expect(noneEvents).toEqual([]);
    const disposed = new PosixHost({ stopSignals: ['SIGUSR2'] });
    const disposedEvents = open(disposed);
    disposed.dispose();
    disposed.rehearseStop();
    expect(disposedEvents).toEqual([]);
  });
});
