// The qemu backend: not written yet. It is probed like the others, so the
// ring says why it passed it over.
import { execFileSync } from 'node:child_process';

export function qemuProgram() {
  return process.env.SERVICEHOST_QEMU ?? 'qemu-system-x86_64';
}

export function qemuProblem({ kvm } = {}) {
  try {
    execFileSync(qemuProgram(), ['--version'], { stdio: 'ignore' });
  } catch {
    return `qemu-${kvm ? 'kvm' : 'tcg'} backend: ${qemuProgram()} is missing (apt-get install qemu-system-x86 qemu-utils)`;
  }
  return `qemu-${kvm ? 'kvm' : 'tcg'} backend: not implemented yet`;
}

export async function bootQemu() {
  throw new Error(qemuProblem());
}
