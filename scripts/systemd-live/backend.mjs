// Picks how the guest boots, by probing, and says why: nspawn first (0.3-0.4 s
// to running), then qemu with KVM if a probe boot passes its deadline (this
// kind of machine's /dev/kvm is kvm_pvm, which Debian's kernel cannot boot),
// then qemu under TCG (10-30 s). SERVICEHOST_SYSTEMD_LIVE_BACKENDS narrows the
// list (e.g. "qemu-tcg"), to exercise a fallback on a machine that has nspawn.
import { execFileSync } from 'node:child_process';
import { ensureGuestRoot } from './guest-root.mjs';
import { bootNspawn, nspawnProblem } from './nspawn.mjs';
import { bootQemu, qemuProblem } from './qemu.mjs';
import { readMarker } from './root-guard.mjs';
import { liveRelease, releaseDirs } from './paths.mjs';

export const BACKENDS = ['nspawn', 'qemu-kvm', 'qemu-tcg'];

export const INSTALL_HINT =
  'Install what it needs (Debian or Ubuntu, as root):\n' +
  '  apt-get update && apt-get install -y --no-install-recommends debootstrap\n' +
  "(the guest root's own systemd-nspawn boots it; systemd-container on the machine is not needed), and for the qemu fallback\n" +
  '  apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils\n' +
  'or run `bash .ci/run`, which installs what is missing and runs every ring.';

function hasProgram(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function backendsWanted() {
  const wanted = (process.env.SERVICEHOST_SYSTEMD_LIVE_BACKENDS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !BACKENDS.includes(name));
  if (unknown.length > 0) throw new Error(`SERVICEHOST_SYSTEMD_LIVE_BACKENDS: unknown backend ${unknown.join(', ')} (known: ${BACKENDS.join(', ')})`);
  return wanted.length > 0 ? wanted : BACKENDS;
}

/** Why the ring cannot run on this machine at all, before anything is built; undefined when it may. */
export function liveRingProblem(release) {
  const { rootDir } = releaseDirs(liveRelease(release));
  if (process.platform !== 'linux' || process.arch !== 'x64') return `The live-systemd ring boots a Debian x64 guest and needs Linux x64; this is ${process.platform} ${process.arch}.`;
  if (process.getuid?.() !== 0) return 'The live-systemd ring needs root (debootstrap, namespaces and mounts); run it as root.';
  const missing = [];
  if (readMarker(rootDir) === undefined && !hasProgram(process.env.SERVICEHOST_DEBOOTSTRAP ?? 'debootstrap')) missing.push('debootstrap');
  for (const tool of ['unshare', 'nsenter']) if (!hasProgram(tool)) missing.push(`${tool} (util-linux)`);
  if (missing.length > 0) return `The live-systemd ring needs ${missing.join(', ')}, which this machine lacks.\n${INSTALL_HINT}`;
  // What the machine lacks for each backend, known before any root is built.
  const hostProblems = backendsWanted().map((name) => BOOT[name].hostProblem());
  if (hostProblems.every(Boolean)) return `No backend of the live-systemd ring can run here:\n- ${hostProblems.join('\n- ')}\n${INSTALL_HINT}`;
  return undefined;
}

// hostProblem: what the machine lacks (no root needed); problem: the same once the root exists.
const BOOT = {
  nspawn: { hostProblem: () => undefined, problem: (root) => nspawnProblem(root), boot: (root, options) => bootNspawn(root, options) },
  'qemu-kvm': { hostProblem: () => qemuProblem({ kvm: true }), problem: () => qemuProblem({ kvm: true }), boot: (root, options) => bootQemu(root, { ...options, kvm: true }) },
  'qemu-tcg': { hostProblem: () => qemuProblem({ kvm: false }), problem: () => qemuProblem({ kvm: false }), boot: (root, options) => bootQemu(root, { ...options, kvm: false }) },
};

/**
 * Builds (or reuses) the guest root of `release` (default: liveRelease()), then boots it with the first backend that
 * passes its probe and boots. Every backend passed over is logged with why.
 * Throws with every reason when none boots.
 */
export async function bootGuest({ log = () => {}, release: wanted, netns, label } = {}) {
  const release = liveRelease(wanted);
  const problem = liveRingProblem(release);
  if (problem) throw new Error(problem);
  const root = await ensureGuestRoot({ log, release });
  const reasons = [];
  for (const name of backendsWanted()) {
    const why = BOOT[name].problem(root);
    if (why) {
      reasons.push(why);
      log(`backend ${name} passed over: ${why}`);
      continue;
    }
    try {
      const guest = await BOOT[name].boot(root, { log, release, netns, label });
      log(`backend ${name} chosen${reasons.length ? ` (after: ${reasons.join('; ')})` : ': its probe and boot passed'}`);
      return guest;
    } catch (error) {
      reasons.push(`${name}: ${error.message}`);
      log(`backend ${name} failed to boot: ${error.message}`);
    }
  }
  throw new Error(`No backend could boot the live-systemd guest:\n- ${reasons.join('\n- ')}\n${INSTALL_HINT}`);
}

