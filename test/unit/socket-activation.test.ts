// The LISTEN_* checks of listenFds() that need no inherited fd.
import { describe, expect, test } from 'vitest';
import { listenFds } from '../../lib/hosts/systemd/socket-activation';

describe('listenFds', () => {
  test('nothing when the variables are absent or meant for another process', () => {
    expect(listenFds({ env: {} })).toEqual([]);
    expect(listenFds({ env: { LISTEN_PID: String(process.pid + 1), LISTEN_FDS: '2' } })).toEqual([]);
  });

  test('LISTEN_FDS = 0 is an empty list, and the variables are removed', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_PID: String(process.pid), LISTEN_FDS: '0', LISTEN_FDNAMES: '' };
    expect(listenFds({ env: { ...env, LISTEN_FDNAMES: undefined } })).toEqual([]);
    const kept = { LISTEN_PID: String(process.pid), LISTEN_FDS: '0' };
    listenFds({ env: kept, unsetEnvironment: false });
    expect(kept).toEqual({ LISTEN_PID: String(process.pid), LISTEN_FDS: '0' });
  });

  test('malformed variables get typed errors', () => {
    const pid = String(process.pid);
    expect(() => listenFds({ env: { LISTEN_PID: pid, LISTEN_FDS: 'two' } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => listenFds({ env: { LISTEN_PID: pid, LISTEN_FDS: '2', LISTEN_FDNAMES: 'only-one' } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/names 1 fds but LISTEN_FDS says 2/) }),
    );
    expect(() => listenFds({ env: 'x' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => listenFds({ unsetEnvironment: 1 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
