// The numbers systemd hands a service, read as systemd writes them: plain decimal.
import { describe, expect, test } from 'vitest';
import { decimal } from '../../lib/hosts/systemd/decimal';
import { listenFds } from '../../lib/hosts/systemd/socket-activation';
import { watchdogIntervalMs } from '../../lib/hosts/systemd/systemd-host';

describe('decimal', () => {
  test('plain decimal digits only', () => {
    expect(decimal('0')).toBe(0);
    expect(decimal('16')).toBe(16);
    expect(decimal('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const text of [undefined, '', '0x10', '1e3', ' 5', '5 ', '+5', '-5', '05', '1.0', '9007199254740993', '٣']) expect(decimal(text)).toBeUndefined();
  });
});

describe('watchdogIntervalMs', () => {
  test('half of WATCHDOG_USEC, within the timer\'s range', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '200000' })).toBe(100);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '1' })).toBe(1);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '5000000000000' })).toBe(0x7fffffff);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: String(Number.MAX_SAFE_INTEGER) })).toBe(0x7fffffff);
  });

  test('not asked: absent, zero, not decimal, or another process\'s', () => {
    for (const value of [undefined, '', '0', '0x10', '1e6', '-5']) expect(watchdogIntervalMs({ WATCHDOG_USEC: value })).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '200000', WATCHDOG_PID: '1' }, 2)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '200000', WATCHDOG_PID: '0x2' }, 2)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '200000', WATCHDOG_PID: '2' }, 2)).toBe(100);
  });
});

describe('listenFds reads decimal only', () => {
  test('a LISTEN_PID in another notation is not this process\'s', () => {
    expect(listenFds({ env: { LISTEN_PID: `0x${process.pid.toString(16)}`, LISTEN_FDS: '1' } })).toEqual([]);
    expect(listenFds({ env: { LISTEN_PID: ` ${process.pid}`, LISTEN_FDS: '1' } })).toEqual([]);
  });

  test('LISTEN_FDS in another notation, or past any real count, is a typed error', () => {
    for (const count of ['0x10', '1e1', '+1', '-1', '01', '65537']) {
      expect(() => listenFds({ env: { LISTEN_PID: String(process.pid), LISTEN_FDS: count } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
  });
});
