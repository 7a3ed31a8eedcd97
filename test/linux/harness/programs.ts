// Whether a program the tests drive is on this machine: it answers --version.
import { execFileSync } from 'node:child_process';

export function answersVersion(program: string): boolean {
  try {
    execFileSync(program, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
