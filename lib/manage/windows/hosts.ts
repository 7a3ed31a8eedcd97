// Windows' way to another machine in a view of several hosts: its SCM calls
// are synchronous RPCs on the main thread (an unreachable machine holds one
// for tens of seconds), so each host is asked from a child process of its
// own, which the host's deadline ends (lib/manage/hosts.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServicehostError } from '../../errors';
import { matchesName } from '../list-filter';
import { platformManager } from '../manager';
import type { RemoteAccess } from '../remote-access';
import { runRemote } from '../remote-run';
import type { ServiceInfo, ServiceSummary } from '../types';

// The child: loads servicehost/manage, asks one host, writes the answer or
// the typed error to a file (node.exe under Wine dies when its output is a
// pipe; a file also keeps the answer apart from anything printed).
const CHILD_SOURCE = `
const [manage, operation, args, file] = process.argv.slice(1);
const { writeFileSync } = require('node:fs');
const write = (value) => writeFileSync(file, JSON.stringify(value));
require(manage)[operation](...JSON.parse(args)).then(
  (value) => write({ value }),
  (error) => write({ error: { code: error && error.code, message: error && error.message, systemCode: error && error.systemCode } }),
);
`;

/** servicehost/manage's functions, as dist/manage/index.js: the child loads them from this copy of the package. */
const MANAGE_INDEX = path.join(__dirname, '..', 'index.js');

/** One host's question asked from a child process, ended at the deadline; the child's typed error is rethrown as it was. */
async function inChildProcess<T>(operation: 'list' | 'query', args: unknown[], signal: AbortSignal, timeoutMs: number): Promise<T> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'servicehost-host-'));
  const file = path.join(folder, 'answer.json');
  try {
    const env = process.versions.electron === undefined ? process.env : { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    const run = await runRemote(process.execPath, ['-e', CHILD_SOURCE, MANAGE_INDEX, operation, JSON.stringify(args), file], { timeoutMs, signal, capture: false, env });
    let answer: { value?: T; error?: { code: string; message: string; systemCode?: string } };
    try {
      answer = JSON.parse(readFileSync(file, 'utf8')) as typeof answer;
    } catch {
      throw new ServicehostError('ERR_SERVICEHOST_HOST_UNREACHABLE', `no answer from the child that asked (${run.outcome}${run.outcome === 'exited' ? ` ${run.code}` : ''})`);
    }
    if (answer.error) throw Object.assign(new ServicehostError(answer.error.code as 'ERR_SERVICEHOST_COMMAND_FAILED', answer.error.message), answer.error.systemCode ? { systemCode: answer.error.systemCode } : {});
    return answer.value as T;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export const windowsRemoteAccess: RemoteAccess = {
  // The machine is an argument of every SCM call: the platform's own manager takes it.
  manager: platformManager,
  listTask(filter) {
    // A RegExp does not cross JSON: the child lists, this process matches.
    const { match, ...rest } = filter;
    return async (host, signal, timeoutMs) => (await inChildProcess<ServiceSummary[]>('list', [{ ...rest, host }], signal, timeoutMs)).filter((service) => matchesName(service.name, match));
  },
  queryTask: (name, options) => (host, signal, timeoutMs) => inChildProcess<ServiceInfo>('query', [name, { ...options, host }], signal, timeoutMs),
};
