// The real addon on Linux: it loads, and the Windows-only functions throw one
// clear typed error, from C++ and from the TypeScript facade alike.
import { describe, expect, test } from 'vitest';
import { WindowsServiceHost } from '../../lib/hosts/windows-service';
import { ServicehostError } from '../../lib/errors';
import { loadNative, nativeBuildInfo } from '../../lib/native/load';
import { setServiceStatus, startServiceDispatcher } from '../../lib/windows/scm';

const unsupported = expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM' });

describe.runIf(process.platform !== 'win32')('the POSIX build of the addon', () => {
  test('loads and says what it is', () => {
    expect(nativeBuildInfo()).toEqual({
      platform: process.platform,
      toolchain: expect.stringMatching(/^(gcc|clang)$/),
      napiVersion: 8,
      cppExceptions: true,
    });
  });

  test('the native Windows-only functions throw ERR_SERVICEHOST_UNSUPPORTED_PLATFORM, whatever they are given', () => {
    const native = loadNative();
    expect(() => native.startDispatcher({ onEvent() {} })).toThrow(unsupported);
    expect(() => native.setServiceStatus({ state: 4 })).toThrow(unsupported);
    expect(() => (native.setServiceStatus as (x?: unknown) => unknown)()).toThrow(unsupported);
    expect(() => native.startDispatcher({ onEvent() {} })).toThrow(/only available on Windows/);
  });

  test('the facade throws the same typed error for valid input', () => {
    expect(() => startServiceDispatcher({ onEvent() {} })).toThrow(unsupported);
    expect(() => setServiceStatus({ state: 'running' })).toThrow(unsupported);
    expect(() => new WindowsServiceHost().open(() => {}, { startTimeoutMs: 1000, stopTimeoutMs: 1000, log: console })).toThrow(unsupported);
  });
});

describe.runIf(process.platform !== 'win32')('every error the addon throws is a ServicehostError', () => {
  function thrown(call: () => unknown): unknown {
    try {
      call();
    } catch (error) {
      return error;
    }
    throw new Error('it did not throw');
  }

  test('its own errors, its argument errors and the system\'s errors', () => {
    const native = loadNative();
    const own = thrown(() => native.setServiceStatus({ state: 4 }));
    const argument = thrown(() => (native.sdNotify as (...args: unknown[]) => void)(42));
    const system = thrown(() => native.sdNotify('/nonexistent/servicehost-no-such-socket', 'READY=1'));
    for (const error of [own, argument, system]) expect(error).toBeInstanceOf(ServicehostError);
    expect(own).toMatchObject({ code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM' });
    expect(argument).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(system).toMatchObject({ code: 'ENOENT', errno: 2, syscall: 'sendmsg' });
  });
});
