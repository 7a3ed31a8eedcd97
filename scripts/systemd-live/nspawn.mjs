// The fast backend: the guest root's own systemd-nspawn, started through the
// root's own ld.so (no package on the machine needed), boots systemd as PID 1
// of fresh PID, mount, network (loopback only) and UTS namespaces. The root
// is an overlay of the cached root with a tmpfs on top (--volatile=overlay),
// so the cache stays pristine; nspawn's own scratch folders (/tmp/nspawn-*,
// /run/systemd/nspawn) go to tmpfs mounts of a private mount namespace, so
// nothing lands on the machine's /tmp or /run.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { runInGuest } from './guest-exec.mjs';
import { GUEST_CHECKOUT, GUEST_RESULTS, liveDir, liveRelease, logsDir, releaseDirs, repoRoot } from './paths.mjs';
import { findNamespaceInit, isAlive, pidNamespaceOf, processesInNamespace } from './procfs.mjs';
import { assertBootableRoot } from './root-guard.mjs';

const MACHINE = 'servicehost-live';

function rootProgram(root) {
  const libraries = [path.join(root, 'usr/lib/x86_64-linux-gnu'), path.join(root, 'usr/lib/x86_64-linux-gnu/systemd')].join(':');
  return { loader: path.join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), libraries, nspawn: path.join(root, 'usr/bin/systemd-nspawn') };
}

/** Why nspawn cannot run here, or undefined. Cheap: runs the root's nspawn for --version only. */
export function nspawnProblem(root) {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `nspawn backend: needs Linux x64 (this is ${process.platform} ${process.arch})`;
  if (process.getuid?.() !== 0) return 'nspawn backend: needs root (namespaces, mounts)';
  const { loader, libraries, nspawn } = rootProgram(root);
  if (!existsSync(loader) || !existsSync(nspawn)) return `nspawn backend: the guest root lacks ${existsSync(loader) ? nspawn : loader}`;
  for (const tool of ['unshare', 'nsenter']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      return `nspawn backend: ${tool} (util-linux) is missing`;
    }
  }
  try {
    execFileSync(loader, ['--library-path', libraries, nspawn, '--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch (error) {
    return `nspawn backend: the root's systemd-nspawn does not run here (${error.message.split('\n')[0]})`;
  }
  return undefined;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or undefined after `ms`; the timer is cleared either way, so it holds no process open. */
function within(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

async function waitFor(what, deadline, probe) {
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`systemd-live: ${what}`);
    await sleep(20);
  }
}

/**
 * The network namespace file a guest may join instead of --private-network's own: one a test made (a veth pair
 * between guests), never this machine's own namespace, which would hand the guest the machine's network.
 */
export function guestNetns(netns) {
  if (netns === undefined) return undefined;
  const target = statSync(netns);
  const own = statSync('/proc/self/ns/net');
  if (target.dev === own.dev && target.ino === own.ino) throw new Error(`systemd-live: ${netns} is this machine's own network namespace; a guest joins only one a test made`);
  return netns;
}

/**
 * Boots the guest and waits for `systemctl is-system-running --wait`.
 * Returns the guest: its target for runInGuest(), boot time and shutdown().
 * `netns`: a network namespace file (e.g. /proc/<pid>/ns/net) the guest joins instead of a loopback-only one of
 * its own; `label` names its console log when several guests of one release run at once.
 */
export async function bootNspawn(rootInput, { log = () => {}, bootTimeoutMs = 60_000, release: wanted, netns: netnsInput, label } = {}) {
  // The guard, right before the boot: never `/`, never a root the harness did not finish.
  const root = assertBootableRoot(rootInput, liveDir);
  const release = liveRelease(wanted);
  const netns = guestNetns(netnsInput);
  const { resultsDir } = releaseDirs(release);
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const consoleLog = path.join(logsDir, `nspawn-console-${release}${label ? `-${label}` : ''}.log`);
  // Inside the private mount namespace the root, the checkout and the results
  // are bound under a fresh /run first, so the tmpfs that then covers /tmp
  // cannot hide them (a CI checkout may live under /tmp).
  const stage = '/run/servicehost-live';
  const { loader, libraries, nspawn } = rootProgram(`${stage}/root`);
  const flags = [
    `--directory=${stage}/root`,
    '--boot',
    `--machine=${MACHINE}`,
    '--register=no',
    '--keep-unit',
    '--link-journal=no',
    // Its own network namespace with loopback alone, or the one a test made (nspawn keeps the one it is started in).
    ...(netns ? [] : ['--private-network']),
    '--volatile=overlay',
    '--settings=no',
    '--resolv-conf=off',
    '--timezone=off',
    '--console=read-only',
    `--bind-ro=${stage}/checkout:${GUEST_CHECKOUT}`,
    `--bind=${stage}/results:${GUEST_RESULTS}`,
  ];
  const prepare = [
    'mount -t tmpfs -o mode=755 tmpfs /run',
    `mkdir -p ${stage}/root ${stage}/checkout ${stage}/results`,
    `mount --bind "$1" ${stage}/root`,
    `mount --bind "$2" ${stage}/checkout`,
    `mount --bind "$3" ${stage}/results`,
    'mount -t tmpfs -o mode=1777 tmpfs /tmp',
    'mount -t tmpfs -o mode=1777 tmpfs /var/tmp',
    'shift 3',
    'exec "$@"',
  ].join(' && ');
  const fd = openSync(consoleLog, 'w');
  const started = Date.now();
  const unshare = ['unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-euc', prepare, 'sh', root, repoRoot, resultsDir, loader, '--library-path', libraries, nspawn, ...flags];
  // nsenter, like unshare and sh, execs in place.
  const [command, ...args] = netns ? ['nsenter', `--net=${netns}`, '--', ...unshare] : unshare;
  const child = spawn(command, args, {
    stdio: ['ignore', fd, fd],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    // Its own session: a Ctrl-C meant for vitest must not reach the guest half-way; shutdown() ends it.
    detached: true,
  });
  closeSync(fd);
  let exited;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  child.on('error', () => {});
  // nsenter, unshare and sh exec in place: this PID is nspawn's.
  const nspawnPid = child.pid;
  const lastResort = () => killGuest(nspawnPid, leader);
  process.once('exit', lastResort);
  let leader;
  try {
    const deadline = started + bootTimeoutMs;
    leader = await waitFor(`the guest's PID 1 did not appear (see ${consoleLog})`, deadline, () => {
      if (exited) throw new Error(`systemd-live: systemd-nspawn ended with ${exited.code ?? exited.signal} before the guest booted (see ${consoleLog})`);
      return findNamespaceInit(nspawnPid);
    });
    const namespace = pidNamespaceOf(leader);
    await waitFor(`the guest's systemd opened no bus (see ${consoleLog})`, deadline, () => existsSync(`/proc/${leader}/root/run/systemd/private`));
    const target = { kind: 'nsenter', pid: leader };
    const state = await runInGuest(target, ['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, deadline - Date.now()) });
    const bootMs = Date.now() - started;
    let systemState = state.stdout.trim();
    if (systemState === 'degraded') systemState = await startFailedAgain(target, deadline, log);
    if (systemState !== 'running') {
      const failed = await runInGuest(target, ['systemctl', '--failed', '--no-legend', '--plain']);
      throw new Error(`systemd-live: the guest booted as "${systemState || state.stderr.trim()}", not running; failed units:\n${failed.stdout}(console: ${consoleLog})`);
    }
    const systemdVersion = await readSystemdVersion(target);
    log(`guest up (nspawn, ${release}, systemd ${systemdVersion.version}): systemd PID 1 is host PID ${leader}, running after ${bootMs} ms`);
    return {
      backend: 'nspawn',
      release,
      systemd: systemdVersion,
      target,
      bootMs,
      consoleLog,
      async shutdown() {
        process.removeListener('exit', lastResort);
        return shutdownNspawn({ nspawnPid, leader, namespace, exit, target });
      },
    };
  } catch (error) {
    process.removeListener('exit', lastResort);
    killGuest(nspawnPid, leader);
    await within(exit, 5000);
    throw error;
  }
}

/**
 * A boot unit of the guest's own (systemd-update-utmp-runlevel, then
 * systemd-user-sessions, in two loaded CI runs) can fail on a starved
 * machine and leave the guest "degraded" before any test. Each is started
 * once more; the guest counts as booted only when that brings it to "running",
 * and the log names what was started again.
 */
async function startFailedAgain(target, deadline, log) {
  const failed = await runInGuest(target, ['systemctl', '--failed', '--no-legend', '--plain']);
  const units = failed.stdout.split('\n').map((line) => line.trim().split(/\s+/u)[0]).filter((unit) => unit !== undefined && unit !== '');
  if (units.length === 0) return 'degraded';
  await runInGuest(target, ['systemctl', 'reset-failed', '--', ...units]);
  const restart = await runInGuest(target, ['systemctl', 'start', '--', ...units], { timeoutMs: Math.max(1000, deadline - Date.now()) });
  const again = await runInGuest(target, ['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, deadline - Date.now()) });
  const state = again.stdout.trim();
  log(`the guest booted "degraded" (${units.join(', ')} failed); started again: ${restart.code === 0 ? 'ok' : `exit ${restart.code}`}, now "${state}"`);
  return state;
}

/** The guest's `systemctl --version`: its number (the first line's "systemd 257 (257.9-1~deb13u1)") and that line. */
async function readSystemdVersion(target) {
  const run = await runInGuest(target, ['systemctl', '--version'], { timeoutMs: 10_000 });
  const line = run.stdout.split('\n')[0] ?? '';
  const version = Number(/^systemd (\d+)/u.exec(line)?.[1]);
  if (run.code !== 0 || !Number.isInteger(version)) throw new Error(`systemd-live: the guest's systemctl --version said ${JSON.stringify(run.stdout + run.stderr)}`);
  return { version, line: line.trim() };
}

function killGuest(nspawnPid, leader) {
  // SIGKILL to a PID namespace's init ends every process in it.
  for (const pid of [leader, nspawnPid]) {
    if (pid !== undefined && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

async function shutdownNspawn({ nspawnPid, leader, namespace, exit, target }) {
  const started = Date.now();
  // An orderly poweroff from inside; nspawn exits when the guest's PID 1 does.
  await runInGuest(target, ['systemctl', 'poweroff', '--no-block'], { timeoutMs: 10_000 }).catch(() => {});
  const outcome = await within(exit, 20_000);
  const forced = outcome === undefined;
  if (forced) {
    killGuest(nspawnPid, leader);
    await within(exit, 5000);
  }
  const leftovers = [...(namespace ? processesInNamespace(namespace) : []), ...[nspawnPid, leader].filter(isAlive)];
  return { forced, durationMs: Date.now() - started, exit: outcome, leftovers: [...new Set(leftovers)] };
}
