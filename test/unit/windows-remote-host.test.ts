// The Windows manager's one translation of what a native SCM or registry call
// threw (scmError): its manager-level meaning, and on another machine that
// cannot be reached ERR_SERVICEHOST_HOST_UNREACHABLE; platform-free, so it
// runs here with errors shaped as the addon throws them.
import { describe, expect, test } from 'vitest';
import { ServicehostError, type SystemErrorCode } from '../../lib/errors';
import { ServiceManagerError } from '../../lib/manage/errors';
import { machineOf, parseWindowsHost, scmError } from '../../lib/manage/windows/remote-host';

/** A Win32 failure as cpp/win/win32_error.cc makes it: code, errno, syscall. */
function win32(code: SystemErrorCode, errno: number, syscall: string): ServicehostError {
  return Object.assign(new ServicehostError(code, `${code} (${errno})`), { errno, syscall });
}

describe('scmError', () => {
  test('a known Win32 error is the manager error it means, on this machine and on another', () => {
    for (const machine of [undefined, '\\\\build01']) {
      const error = scmError(win32('ERROR_SERVICE_DOES_NOT_EXIST', 1060, 'OpenServiceW'), 'api', 'start', machine);
      expect(error).toBeInstanceOf(ServiceManagerError);
      expect(error).toMatchObject({ code: 'ERR_SERVICEHOST_SERVICE_NOT_FOUND', message: 'Cannot start "api": no such service is installed' });
    }
  });

  test("another machine's RPC failure is ERR_SERVICEHOST_HOST_UNREACHABLE naming the machine, with the Win32 error as its cause", () => {
    const rpc = win32('RPC_S_SERVER_UNAVAILABLE' as SystemErrorCode, 1722, 'OpenSCManagerW');
    const error = scmError(rpc, 'api', 'query', '\\\\build01') as ServiceManagerError;
    expect(error.code).toBe('ERR_SERVICEHOST_HOST_UNREACHABLE');
    expect(error.message).toMatch(/^\\\\build01 cannot be reached through the Service Control Manager's RPC \(RPC_S_SERVER_UNAVAILABLE, OpenSCManagerW\)/u);
    expect(error.cause).toBe(rpc);
  });

  test('on this machine the same error, and anything that is not a system error, is returned as it is', () => {
    const rpc = win32('RPC_S_SERVER_UNAVAILABLE' as SystemErrorCode, 1722, 'OpenSCManagerW');
    expect(scmError(rpc, 'api', 'query', undefined)).toBe(rpc);
    const plain = new Error('not from the addon');
    expect(scmError(plain, 'api', 'query', '\\\\build01')).toBe(plain);
  });
});

test('machineOf: the machine name OpenSCManagerW takes, undefined for this machine; a bad host is refused', () => {
  expect(machineOf({})).toBeUndefined();
  expect(machineOf({ host: 'build01' })).toBe('\\\\build01');
  expect(parseWindowsHost('\\\\build01', '--host').machine).toBe('\\\\build01');
  expect(() => machineOf({ host: '-oProxyCommand=x' })).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_INVALID_HOST' }));
});
