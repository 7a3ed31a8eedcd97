// An option servicehost does not know is refused, not ignored: a typo such as
// stopTimeoutMS would otherwise leave the default in force unnoticed. The error
// names the key as the caller wrote it and the nearest known one. The same
// holds inside hostOptions and each host's options, whichever host runs; the
// systemd host's values are checked on every platform too (a program is often
// written where systemd does not run it).
import { expect, test } from 'vitest';
import { Service } from '../../lib/lifecycle/service';
import { RecordingHost, recordingLogger } from './helpers/recording-host';

function make(options: Record<string, unknown>): () => Service {
  return () => new Service({ host: new RecordingHost(), logger: recordingLogger(), handleUncaughtErrors: false, ...options } as never);
}

const refused = (code: string, message: RegExp) => expect.objectContaining({ name: 'ServicehostError', code, message: expect.stringMatching(message) });

test('an unknown Service option is refused with its name and the nearest known one', () => {
  expect(make({ stopTimeoutMS: 1000 })).toThrow(refused('ERR_INVALID_ARG_VALUE', /^new Service\(options\): options\.stopTimeoutMS is not an option; did you mean stopTimeoutMs\?$/u));
  expect(make({ drainDelay: 10 })).toThrow(refused('ERR_INVALID_ARG_VALUE', /options\.drainDelay is not an option; did you mean drainDelayMs\?/u));
  // Nothing near: the message lists what there is.
  expect(make({ bogusOption: 1 })).toThrow(refused('ERR_INVALID_ARG_VALUE', /options\.bogusOption is not an option; the options are name, host, hostOptions, startTimeoutMs, .*exitProcess$/u));
});

test('inside hostOptions and each host\'s options too, whichever host runs', () => {
  expect(make({ hostOptions: { bogus: 1 } })).toThrow(refused('ERR_INVALID_ARG_VALUE', /options\.hostOptions\.bogus is not an option; the options are windowsService, windowsConsole, systemd$/u));
  expect(make({ hostOptions: { sytemd: {} } })).toThrow(refused('ERR_INVALID_ARG_VALUE', /options\.hostOptions\.sytemd is not an option; did you mean systemd\?/u));
  expect(make({ hostOptions: { systemd: { watchDog: false } } })).toThrow(refused('ERR_INVALID_ARG_VALUE', /options\.hostOptions\.systemd\.watchDog is not an option; did you mean watchdog\?/u));
  expect(make({ hostOptions: { windowsService: { acceptShutDown: false } } })).toThrow(refused('ERR_INVALID_ARG_VALUE', /windowsService\.acceptShutDown is not an option; did you mean acceptShutdown\?/u));
  expect(make({ hostOptions: { windowsConsole: { closeBudget: 1 } } })).toThrow(refused('ERR_INVALID_ARG_VALUE', /windowsConsole\.closeBudget is not an option; did you mean closeBudgetMs\?/u));
  // The systemd host's own values, checked here as well as under systemd.
  expect(make({ hostOptions: { systemd: { watchdog: 'x' } } })).toThrow(refused('ERR_INVALID_ARG_TYPE', /^new Service\(options\): options\.hostOptions\.systemd\.watchdog must be a boolean; got the string "x"$/u));
  expect(make({ hostOptions: { systemd: { env: 5 } } })).toThrow(refused('ERR_INVALID_ARG_TYPE', /options\.hostOptions\.systemd\.env must be an object/u));
  expect(make({ hostOptions: { systemd: 'yes' } })).toThrow(refused('ERR_INVALID_ARG_TYPE', /options\.hostOptions\.systemd must be an object/u));
});

test('every documented option is still taken', () => {
  const noop = () => {};
  expect(
    make({
      name: 'x',
      hostOptions: {
        windowsService: { acceptedControls: [], acceptShutdown: true, pendingWaitHintMs: 1, dispatcherExitTimeoutMs: 1, exitProcess: noop },
        windowsConsole: { closeBudgetMs: 1, exitProcess: noop },
        systemd: { env: {}, watchdog: false, warn: noop },
      },
      startTimeoutMs: 1000,
      stopTimeoutMs: 1000,
      stepTimeoutMs: 100,
      drainDelayMs: 0,
      stopSignals: ['SIGTERM'],
      reloadSignals: ['SIGHUP'],
      forceOnSecondStop: true,
      exitProcess: noop,
    }),
  ).not.toThrow();
});
