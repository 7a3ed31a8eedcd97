// Bad input to the Windows API gets a typed error before anything reaches the
// native side, on every platform.
import { describe, expect, test } from 'vitest';
import { WindowsServiceHost } from '../../lib/hosts/windows-service';
import { controlName } from '../../lib/windows/codes';
import { parseDispatcherRecord, setServiceStatus, startServiceDispatcher } from '../../lib/windows/scm';

const code = (value: string) => expect.objectContaining({ code: value });

describe('controlName', () => {
  test.each([
    [1, 'stop'],
    [4, 'interrogate'],
    [5, 'shutdown'],
    [15, 'preshutdown'],
    [16, 'timechange'],
    [64, 'usermodereboot'],
    [128, 'custom'],
    [255, 'custom'],
    [256, 'unknown'],
    [99, 'unknown'],
  ])('%i is %s', (control, name) => expect(controlName(control)).toBe(name));
});

describe('setServiceStatus validates before it touches the SCM', () => {
  test.each([
    [undefined, 'ERR_INVALID_ARG_TYPE'],
    ['running', 'ERR_INVALID_ARG_TYPE'],
    [{}, 'ERR_INVALID_ARG_TYPE'],
    [{ state: 'sleeping' }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 4 }, 'ERR_INVALID_ARG_TYPE'],
    [{ state: 'running', controlsAccepted: 'stop' }, 'ERR_INVALID_ARG_TYPE'],
    [{ state: 'running', controlsAccepted: ['stop', 'fly'] }, 'ERR_INVALID_ARG_VALUE'],
    [{ state: 'stop-pending', waitHintMs: -1 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'stop-pending', waitHintMs: 1.5 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'stopped', serviceSpecificExitCode: 2 ** 32 }, 'ERR_OUT_OF_RANGE'],
    [{ state: 'stopped', win32ExitCode: '5' }, 'ERR_INVALID_ARG_TYPE'],
  ])('%j → %s', (update, expected) => {
    expect(() => setServiceStatus(update as never)).toThrow(code(expected));
  });
});

describe('startServiceDispatcher validates before it touches the SCM', () => {
  test.each([
    [undefined, 'ERR_INVALID_ARG_TYPE'],
    [{}, 'ERR_INVALID_ARG_TYPE'],
    [{ onEvent: 'x' }, 'ERR_INVALID_ARG_TYPE'],
    [{ onEvent() {}, startWaitHintMs: -5 }, 'ERR_OUT_OF_RANGE'],
  ])('%j → %s', (options, expected) => {
    expect(() => startServiceDispatcher(options as never)).toThrow(code(expected));
  });
});

describe('WindowsServiceHost options (hostOptions.windowsService), checked at the edge', () => {
  test('rejects bad options, naming them', () => {
    expect(() => new WindowsServiceHost(null as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => new WindowsServiceHost({ pendingWaitHintMs: -1 })).toThrow(/hostOptions\.windowsService\.pendingWaitHintMs/);
    expect(() => new WindowsServiceHost({ acceptedControls: ['fly'] as never })).toThrow(code('ERR_INVALID_ARG_VALUE'));
    expect(() => new WindowsServiceHost({ exitProcess: 1 as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });
});

describe('parseDispatcherRecord: one parse, from the native record to the lifecycle event', () => {
  const base = { eventType: 0, repeats: 1, receivedAt: 1234.5678 };
  test.each([
    [1, { type: 'stop', reason: 'scm-stop', control: 'stop' }],
    [5, { type: 'stop', reason: 'shutdown', control: 'shutdown' }],
    [15, { type: 'stop', reason: 'preshutdown', control: 'preshutdown' }],
    [2, { type: 'pause', control: 'pause' }],
    [3, { type: 'continue', control: 'continue' }],
    [6, { type: 'reload', control: 'paramchange' }],
    [13, { type: 'power', control: 'powerevent' }],
    [14, { type: 'session', control: 'sessionchange', sessionId: 0 }],
    [7, { type: 'control', control: 'netbindadd' }],
    [4, { type: 'control', control: 'interrogate' }],
    [200, { type: 'custom', control: 'custom' }],
    [99, { type: 'control', control: 'unknown' }],
  ])('control %i', (controlCode, expected) => {
    expect(parseDispatcherRecord({ type: 'control', code: controlCode, ...base })).toEqual({ ...expected, code: controlCode, ...base });
  });

  test('service-main splits the service name from its arguments', () => {
    expect(parseDispatcherRecord({ type: 'service-main', args: ['api', '--fast'], error: undefined, receivedAt: 2.25 })).toEqual({
      type: 'service-main',
      serviceName: 'api',
      args: ['--fast'],
      receivedAt: 2.25,
    });
  });
});
