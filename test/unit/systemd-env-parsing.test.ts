// The numbers systemd hands a service, read as systemd writes them: plain decimal.
import { describe, expect, test } from 'vitest';
import { unitCgroups } from '../../lib/hosts/systemd/cgroup';
import { decimal, parseMainPid } from '../../lib/hosts/systemd/decimal';
import { listenFds } from '../../lib/hosts/systemd/socket-activation';
import { checkServiceName } from '../../lib/manage/service-name';
import { resolveSpec } from '../../lib/manage/spec';
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

describe('the reload helper\'s reading of $MAINPID and /proc/<pid>/cgroup', () => {
  test('a PID: decimal from 2 to 2^22', () => {
    expect(parseMainPid('2')).toBe(2);
    expect(parseMainPid('4194304')).toBe(4194304);
    for (const text of [undefined, '', '0', '1', '1e3', '0x10', '+5', '05', ' 5', '5\n', '4194305', '99999999999']) expect(parseMainPid(text)).toBeUndefined();
  });

  test('the unit is told by the unified and the name=systemd lines, whatever the hierarchy numbers', () => {
    const hybrid = '12:memory:/system.slice/api.service\n1:name=systemd:/system.slice/api.service\n0::/system.slice/api.service\n';
    expect(unitCgroups(hybrid)).toBe(':/system.slice/api.service\nname=systemd:/system.slice/api.service');
    expect(unitCgroups('9:name=systemd:/system.slice/api.service\n4:memory:/elsewhere\n0::/system.slice/api.service')).toBe(unitCgroups(hybrid));
    expect(unitCgroups('0::/system.slice/other.service\n')).not.toBe(unitCgroups('0::/system.slice/api.service\n'));
    expect(unitCgroups('3:cpu,cpuacct:/x\n')).toBe('');
  });
});

describe('what a new systemd unit may be called, and may set', () => {
  const spec = { script: '/srv/app/server.js', node: '/usr/bin/node' };

  test("':' is refused for systemd (RuntimeDirectory= would read servicehost-web:x as servicehost-web and a link), kept elsewhere and for the other verbs", () => {
    expect(() => resolveSpec({ ...spec, name: 'web:x' }, 'systemd')).toThrow(
      expect.objectContaining({ code: 'ERR_SERVICEHOST_INVALID_SERVICE_NAME', message: expect.stringContaining('would be read as the folder servicehost-web and a link') }),
    );
    expect(resolveSpec({ ...spec, name: 'web:x' }, 'launchd').name).toBe('web:x');
    // An installed unit of that name can still be stopped and removed.
    expect(checkServiceName('web:x', 'systemd')).toBe('web:x');
  });

  test('the runtime folder servicehost-<name> must fit in a file name: 243 characters at most', () => {
    expect(resolveSpec({ ...spec, name: 'a'.repeat(243) }, 'systemd').name).toHaveLength(243);
    expect(() => resolveSpec({ ...spec, name: 'a'.repeat(244) }, 'systemd')).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_INVALID_SERVICE_NAME' }));
  });

  test('spec.env may not point RUNTIME_DIRECTORY elsewhere (Environment= would override what systemd sets)', () => {
    for (const platform of ['systemd', 'launchd', 'windows'] as const) {
      expect(() => resolveSpec({ ...spec, name: 'web', env: { RUNTIME_DIRECTORY: '/tmp' } }, platform)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('may not set RUNTIME_DIRECTORY') }),
      );
    }
  });
});
