// The real addon on Linux: it loads, and the Windows-only functions throw one
// clear typed error, from C++ and from the TypeScript facade alike.
import { describe, expect, test } from 'vitest';
import { WindowsServiceHost } from '../../lib/hosts/windows-service';
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
    expect(() => new WindowsServiceHost().open(() => {})).toThrow(unsupported);
  });
});
