// The sd_notify outbox against a stand-in send that answers EAGAIN (a full
// socket queue) or ENOENT (no socket): what waits, in which order, how much of
// it, and how often a failure is told.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { NotifyOutbox } from '../../lib/hosts/systemd/notify-outbox';

function errno(code: string): Error {
  return Object.assign(new Error(`send: ${code}`), { code });
}

/** An outbox whose socket is full while `full` is set, or gone while `gone` is set. */
function outbox() {
  const sent: string[] = [];
  const warnings: string[] = [];
  const socket = { full: false, gone: false };
  const box = new NotifyOutbox({
    socket: '/run/test.sock',
    warn: (message) => warnings.push(message),
    send: (message) => {
      if (socket.gone) throw errno('ENOENT');
      if (socket.full) throw errno('EAGAIN');
      sent.push(message);
    },
  });
  return { box, sent, warnings, socket };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('NotifyOutbox', () => {
  test('a burst of lone extensions and statuses into a full socket waits as the newest of each; required messages keep their order', async () => {
    const { box, sent, socket } = outbox();
    socket.full = true;
    box.send('EXTEND_TIMEOUT_USEC=1', 'extend');
    for (let i = 0; i < 100_000; i++) {
      box.send(`EXTEND_TIMEOUT_USEC=${i}`, 'extend');
      box.send(`STATUS=step ${i}`, 'status');
      box.send('WATCHDOG=1', 'watchdog');
    }
    // Bounded: one extension and one status, however many calls.
    expect(box.pending).toBe(2);
    box.send('READY=1', 'required');
    box.send('EXTEND_TIMEOUT_USEC=last', 'extend');
    box.send('STOPPING=1\nEXTEND_TIMEOUT_USEC=8000000', 'required');
    box.send('EXIT_STATUS=0', 'required');
    expect(box.pending).toBe(5);
    socket.full = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual(['STATUS=step 99999', 'READY=1', 'EXTEND_TIMEOUT_USEC=last', 'STOPPING=1\nEXTEND_TIMEOUT_USEC=8000000', 'EXIT_STATUS=0']);
    expect(box.pending).toBe(0);
  });

  test('a reader that keeps falling behind: "is busy" and "works again" are told once, the repeats counted in summary()', async () => {
    const { box, warnings, socket } = outbox();
    for (let round = 0; round < 3; round++) {
      socket.full = true;
      box.send('READY=1', 'required');
      socket.full = false;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(warnings).toEqual([
      'sd_notify to /run/test.sock is busy; sending again shortly: send: EAGAIN (READY=1)',
      'sd_notify to /run/test.sock works again',
    ]);
    expect(box.summary()).toBe('sd_notify to /run/test.sock failed again after its warning, not told each time: EAGAIN 2 more times');
  });

  test('a socket that is gone: one warning, the message is lost (lost is true) and nothing waits; lost clears once a send works', () => {
    const { box, warnings, socket } = outbox();
    socket.gone = true;
    box.send('STATUS=a', 'status');
    box.send('STATUS=b', 'status');
    expect(box.lost).toBe(true);
    expect(box.pending).toBe(0);
    expect(warnings).toEqual(['sd_notify to /run/test.sock failed: send: ENOENT (STATUS=a)']);
    socket.gone = false;
    box.send('STATUS=c', 'status');
    expect(box.lost).toBe(false);
    expect(box.summary()).toBeUndefined();
  });
});
