// Bad input to the Windows API gets a typed error before anything reaches the
// native side, on every platform.
import { describe, expect, test } from 'vitest';
import { WindowsServiceHost } from '../../lib/hosts/windows-service';
import { controlName, setServiceStatus, startServiceDispatcher } from '../../lib/windows/scm';

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

describe('WindowsServiceHost', () => {
  test('rejects bad options', () => {
    expect(() => new WindowsServiceHost(null as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => new WindowsServiceHost({ startWaitHintMs: -1 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => new WindowsServiceHost({ exitProcess: 1 as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });

  test('report() before open() is a state error, and bad statuses are typed errors', () => {
    const host = new WindowsServiceHost();
    expect(() => host.report({ state: 'running' })).toThrow(code('ERR_SERVICEHOST_HOST_STATE'));
    expect(() => host.report({ state: 'sleeping' } as never)).toThrow(code('ERR_INVALID_ARG_VALUE'));
    expect(() => host.report({ state: 'stopping', waitHintMs: -1 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => host.open('deliver' as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });

  test('close() takes an exit code from 0 to 255', () => {
    const host = new WindowsServiceHost();
    expect(() => host.close({ exitCode: 256 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => host.close({ exitCode: -1 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => host.close({} as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });
});
