// Finding the guest's processes by PID, from /proc: the guest's PID 1 is the
// descendant of the nspawn process we started that is PID 1 of its own PID
// namespace, and "nothing left behind" means no process in that namespace.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  const status = read(`/proc/${pid}/status`);
  // A zombie has exited; only its parent's wait is missing.
  return status !== undefined && !/^State:\s+Z/mu.test(status);
}

export function childrenOf(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) => (read(`/proc/${pid}/task/${task}/children`) ?? '').trim().split(/\s+/u).filter(Boolean).map(Number));
}

/** The process's PID in each PID namespace, outermost first (the NSpid line). */
export function namespacePids(pid) {
  const line = /^NSpid:\s+(.*)$/mu.exec(read(`/proc/${pid}/status`) ?? '');
  return line ? line[1].trim().split(/\s+/u).map(Number) : [];
}

export function pidNamespaceOf(pid) {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** The first descendant of `pid` that is PID 1 of a PID namespace nested in ours. */
export function findNamespaceInit(pid) {
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    for (const child of childrenOf(next)) {
      const pids = namespacePids(child);
      if (pids.length === 2 && pids[1] === 1) return child;
      queue.push(child);
    }
  }
  return undefined;
}

/** Every live process whose PID namespace is `namespace` (a readlink of /proc/<pid>/ns/pid). */
export function processesInNamespace(namespace) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/u.test(entry))
    .map(Number)
    .filter((pid) => pidNamespaceOf(pid) === namespace && isAlive(pid));
}
