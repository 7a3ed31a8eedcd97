// The `servicehost` command as users run it: a child process of dist/cli.js,
// with variables added to this process's environment; never throws for an exit code.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

export function servicehost(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
