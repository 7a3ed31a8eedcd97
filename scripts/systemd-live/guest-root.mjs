// Builds a guest root once per release (debootstrap --variant=minbase
// bookworm or trixie, about 40-50 s and 380 MB each) and keeps it in build/systemd-live. The marker goes in
// last, so a run that was interrupted leaves a root without one, which the
// next run throws away and builds again.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { GUEST_NODE, liveDir, liveRelease, logsDir, releaseDirs } from './paths.mjs';
import { ROOT_MARKER, assertBootableRoot, markerText, readMarker } from './root-guard.mjs';

/**
 * What the guest needs: systemd as init, logind (linger, user managers) over D-Bus, nspawn for the nspawn backend,
 * curl, which the README's quick start runs (test/systemd-live/docs.test.ts; about 5 MB more), and openssh-server
 * (with its client) for `--host` against a guest's systemd (test/systemd-live/remote-host.test.ts starts sshd; it is
 * not started at boot, so every other guest runs without it).
 */
export const GUEST_PACKAGES = ['systemd', 'systemd-sysv', 'udev', 'dbus', 'libpam-systemd', 'kmod', 'procps', 'systemd-container', 'curl', 'openssh-server'];
const MIRROR = process.env.SERVICEHOST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

// Timers that would wake in the middle of a test run and do work of their own,
// and systemd-update-utmp-runlevel.service, which only writes the runlevel into
// utmp (nothing here reads it) and failed once under a loaded CI run, leaving
// the guest "degraded" and its ring unbooted.
const MASKED_UNITS = ['apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'fstrim.timer', 'systemd-update-utmp-runlevel.service'];

/** Masks MASKED_UNITS in `root` (a link to /dev/null each); at every boot, so a root cached before a unit joined the list gets it too. */
function maskUnits(root) {
  for (const unit of MASKED_UNITS) {
    const link = path.join(root, 'etc', 'systemd', 'system', unit);
    let target;
    try {
      target = readlinkSync(link);
    } catch {
      // not a link yet
    }
    if (target === '/dev/null') continue;
    rmSync(link, { force: true });
    try {
      symlinkSync('/dev/null', link);
    } catch (error) {
      // Another ring masked it at the same moment.
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

function run(command, args, { logFile, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' } });
    closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}; see ${logFile}`));
    });
  });
}

/** True when something is mounted at or below `dir` in this mount namespace. */
function hasMountsBelow(dir) {
  const prefix = `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .some((mountPoint) => mountPoint === dir || mountPoint?.startsWith(prefix));
}

/** Removes a folder of the harness's own; refuses anything outside build/systemd-live or with mounts inside. */
function removeOwnFolder(dir) {
  if (!existsSync(dir)) return;
  const resolved = realpathSync(dir);
  const cache = realpathSync(liveDir);
  if (!resolved.startsWith(`${cache}${path.sep}`)) throw new Error(`systemd-live: will not remove ${resolved}: outside ${cache}`);
  if (hasMountsBelow(resolved)) throw new Error(`systemd-live: will not remove ${resolved}: something is mounted inside it (unmount it first)`);
  rmSync(resolved, { recursive: true, force: true });
}

function sameList(a, b) {
  return Array.isArray(a) && a.length === b.length && a.every((item, index) => item === b[index]);
}

async function buildRoot(log, release) {
  const { rootDir } = releaseDirs(release);
  const partial = `${rootDir}.partial`;
  removeOwnFolder(partial);
  removeOwnFolder(rootDir);
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, `debootstrap-${release}.log`);
  writeFileSync(logFile, '');
  log(`building the guest root with debootstrap (${release}, minbase + ${GUEST_PACKAGES.join(',')}); log: ${logFile}`);
  const started = Date.now();
  // In a mount namespace of its own: the /proc and /sys that debootstrap
  // mounts inside the target vanish with it, even when it is killed.
  await run(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'debootstrap', '--variant=minbase', `--include=${GUEST_PACKAGES.join(',')}`, '--components=main', release, partial, MIRROR],
    { logFile, timeoutMs: 15 * 60_000 },
  );
  writeFileSync(path.join(partial, 'etc', 'hostname'), 'servicehost-guest\n');
  maskUnits(partial);
  // sshd starts only where a test starts it (ssh.socket is off by default).
  for (const wants of ['multi-user.target.wants/ssh.service', 'sshd.service']) rmSync(path.join(partial, 'etc', 'systemd', 'system', wants), { force: true });
  rmSync(path.join(partial, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
  mkdirSync(path.join(partial, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
  rmSync(path.join(partial, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  writeFileSync(path.join(partial, ROOT_MARKER), markerText(GUEST_PACKAGES));
  renameSync(partial, rootDir);
  log(`guest root built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Copies the Node under test into the guest, again whenever it is another binary. */
function installGuestNode(root, log) {
  const node = process.execPath;
  const stat = statSync(node);
  const stamp = `${node} ${stat.size} ${stat.mtimeMs} ${process.version}\n`;
  const target = path.join(root, GUEST_NODE);
  const stampFile = `${target}.from`;
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  log(`copying ${node} (${process.version}) into the guest as ${GUEST_NODE}`);
  copyFileSync(node, target);
  chmodSync(target, 0o755);
  writeFileSync(stampFile, stamp);
}

/**
 * The cached guest root of `release` (default: liveRelease()), built when
 * missing, half-made or made from another package list; returns its resolved
 * path, checked by the root guard.
 */
export async function ensureGuestRoot({ log = () => {}, release: wanted } = {}) {
  const release = liveRelease(wanted);
  const { rootDir } = releaseDirs(release);
  mkdirSync(liveDir, { recursive: true });
  const marker = readMarker(rootDir);
  if (marker === undefined || !sameList(marker.packages, GUEST_PACKAGES)) {
    if (existsSync(rootDir)) log(marker === undefined ? 'the cached guest root is half-made: building it again' : 'the guest package list changed: building the root again');
    await buildRoot(log, release);
  }
  const root = assertBootableRoot(rootDir, liveDir);
  maskUnits(root);
  installGuestNode(root, log);
  return root;
}
