// The qemu backend: placeholder until it is written (see the ring's README).
export function qemuProblem() {
  return 'qemu backend: not implemented yet';
}
export async function bootQemu() {
  throw new Error(qemuProblem());
}
