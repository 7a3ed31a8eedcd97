// One Service per process. A Service whose host it picked by detection (posix,
// systemd, the Windows service or console host: each owns the process's stop
// delivery, its signal handlers or its one SCM or console connection) claims
// the process when it is made and gives it back when it is disposed of or has
// stopped, so that a second Service is refused when it is made: two would each
// run a teardown on SIGTERM, and the first to finish would exit the process
// under the other's. The claim is kept on `process` under a registered symbol,
// so that every copy of servicehost loaded in the process (two paths in
// node_modules) sees it, as the Windows dispatcher connection is shared
// (lib/windows/dispatcher.ts). A host handed in (a test's) claims nothing.
import { ServicehostError } from '../errors';
import type { HostKind } from '../hosts/host';

const CLAIM_KEY = Symbol.for('servicehost.process-service');

/** What a claim holds. Read by other copies of servicehost, perhaps other versions: keep it this small. */
interface Claim {
  /** The host that holds the process. */
  kind: string;
  /** Which copy of servicehost: an object of that copy's own. */
  copy: object;
}

// This copy of servicehost, as a claim names it.
const THIS_COPY = {};

type Holder = { [CLAIM_KEY]?: Claim };

/**
 * Claims the process for one Service, whose host is `kind`; throws
 * ERR_SERVICEHOST_SECOND_SERVICE while another holds it. Returns the release,
 * which gives back this claim only (never one made after it).
 */
export function claimProcess(kind: HostKind): () => void {
  const holder = process as Holder;
  const held = holder[CLAIM_KEY];
  if (held !== undefined) {
    const whose = held.copy === THIS_COPY ? 'this copy of servicehost' : 'another copy of servicehost loaded in this process, from a second path in node_modules';
    throw new ServicehostError(
      'ERR_SERVICEHOST_SECOND_SERVICE',
      `new Service(): this process already has a Service (the ${String(held.kind)} host of ${whose}), and one Service per process owns its stop delivery (signals, the SCM, the console): ` +
        'make one Service and share it, or dispose() of the first (or let it stop) before making another',
    );
  }
  const claim: Claim = { kind, copy: THIS_COPY };
  Object.defineProperty(process, CLAIM_KEY, { value: claim, configurable: true, writable: true, enumerable: false });
  return () => {
    if (holder[CLAIM_KEY] === claim) delete holder[CLAIM_KEY];
  };
}
