// The process's one SCM dispatcher connection, shared by every copy of
// servicehost loaded in the process. Windows serves one dispatcher per
// process, and a global CLI's preload (copy A) may connect before the app's
// own copy (B) builds its Service: so the connection is kept on `globalThis`
// under a registered symbol, with a protocol number, and any copy that speaks
// the same protocol takes it over. Records wait in its queue until the one
// consumer subscribes, so none is lost while the application's imports run.
import { ServicehostError } from '../errors';
import { packageRoot, windowsNative } from '../native/load';
import type { NativeDispatcherBinding, NativeDispatcherRecord } from '../native/windows-binding';
import { reportStoppedOnEarlyExit } from './early-exit';

/** Bumped whenever NativeDispatcherRecord or NativeDispatcherBinding change shape. */
export const DISPATCHER_PROTOCOL = 1;

const CONNECTION_KEY = Symbol.for('servicehost.windows.dispatcher');

export interface DispatcherConnection {
  readonly protocol: number;
  /** The package folder of the copy that connected. */
  readonly owner: string;
  /** That copy's native functions: the status belongs to its addon. */
  readonly native: NativeDispatcherBinding;
  /** Hands every record to `listener`, those that waited first, in order. Once per process. */
  consume(listener: (record: NativeDispatcherRecord) => void): void;
}

type Holder = { [CONNECTION_KEY]?: DispatcherConnection };

/** The connection, if any copy of servicehost in this process has made it. */
export function currentDispatcher(): DispatcherConnection | undefined {
  const connection = (globalThis as Holder)[CONNECTION_KEY];
  if (connection === undefined) return undefined;
  if (connection.protocol !== DISPATCHER_PROTOCOL) {
    throw new ServicehostError(
      'ERR_SERVICEHOST_DISPATCHER_STARTED',
      `The SCM dispatcher of this process was connected by another copy of servicehost (${connection.owner}), ` +
        `which speaks dispatcher protocol ${connection.protocol}; this copy (${packageRoot}) speaks ${DISPATCHER_PROTOCOL}. ` +
        'Install one version of servicehost, or preload the app\'s own servicehost/register.',
    );
  }
  return connection;
}

/**
 * Connects to the SCM unless some copy already has, and returns the connection.
 * `reportEarlyExit` (the register preload): a process that ends before a
 * consumer took the connection reports STOPPED on its way out (early-exit.ts).
 */
export function connectDispatcher(options: { startWaitHintMs?: number; reportEarlyExit?: boolean } = {}): DispatcherConnection {
  const existing = currentDispatcher();
  if (existing) return existing;
  const native = windowsNative();
  const waiting: NativeDispatcherRecord[] = [];
  let consumer: ((record: NativeDispatcherRecord) => void) | undefined;
  native.startDispatcher({
    ...(options.startWaitHintMs === undefined ? {} : { startWaitHint: options.startWaitHintMs }),
    onEvent: (record) => (consumer ? consumer(record) : waiting.push(record)),
  });
  const connection: DispatcherConnection = {
    protocol: DISPATCHER_PROTOCOL,
    owner: packageRoot,
    native,
    consume(listener) {
      if (consumer) {
        throw new ServicehostError(
          'ERR_SERVICEHOST_DISPATCHER_STARTED',
          'The SCM dispatcher of this process already has a consumer: one Service (or one startServiceDispatcher) per process.',
        );
      }
      consumer = listener;
      for (const record of waiting.splice(0)) listener(record);
    },
  };
  Object.defineProperty(globalThis, CONNECTION_KEY, { value: connection, enumerable: false });
  if (options.reportEarlyExit === true) reportStoppedOnEarlyExit(native, () => consumer !== undefined);
  return connection;
}
