// The real addon on Linux: it loads, and the Windows-only functions throw one
// clear typed error, from C++ and from the TypeScript facade alike.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { WindowsServiceHost } from '../../lib/hosts/windows-service';
import { ServicehostError } from '../../lib/errors';
import { loadNative, nativeBuildInfo } from '../../lib/native/load';
import { setServiceStatus, startServiceDispatcher } from '../../lib/windows/scm';

const repoRoot = path.resolve(__dirname, '..', '..');

// Why not: the test needs strace and ptrace (.ci/run installs strace).
function straceMissing(): boolean {
  try {
    execFileSync('strace', ['-qq', '-e', 'trace=none', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    return false;
  } catch {
    if (process.env.CI === 'true') throw new Error('strace is required under CI: apt-get install strace');
    return true;
  }
}

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

  test('sdNotify refuses a NUL in the socket path (it would name another socket), for a path and an abstract name', () => {
    const native = loadNative();
    for (const path of ['/run/systemd/notify\0/tmp/evil', '@notify\0evil']) {
      expect(thrown(() => native.sdNotify(path, 'READY=1'))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('NUL') });
    }
  });

  test.skipIf(straceMissing())('sdNotify creates its socket close-on-exec at once (SOCK_CLOEXEC), not with a later fcntl', () => {
    const traced = spawnSync('strace', ['-f', '-qq', '-e', 'trace=socket,fcntl', process.execPath, '-e', `require(${JSON.stringify(path.join(repoRoot, 'dist', 'native', 'load.js'))}).posixNative().sdNotify('@servicehost-cloexec-test', 'READY=1')`], { encoding: 'utf8' });
    const lines = traced.stderr.split('\n').filter((line) => line.includes('AF_UNIX') && line.includes('SOCK_DGRAM'));
    expect(lines.length, traced.stderr).toBe(1);
    expect(lines[0]).toContain('SOCK_CLOEXEC');
    const fd = /= (\d+)$/u.exec(lines[0]!.trim())?.[1];
    expect(fd, lines[0]).toBeDefined();
    expect(traced.stderr).not.toContain(`fcntl(${fd}, F_SETFD`);
  });
});

