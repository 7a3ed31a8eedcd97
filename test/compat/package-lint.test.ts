// What the ecosystem's linters say of the packed tarball: attw (Are the Types
// Wrong?, @arethetypeswrong/cli) and publint. Their findings are printed.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { ensureTools, toolPath } from './harness/compat-tools';
import { runDir } from './harness/consumer';
import { run } from './harness/tools';

const ring = inject('compatRing');

interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}

// attw ends with process.exit(): into a pipe, JSON over 64 KiB comes out cut. A file gets it all.
async function attw(profile: 'strict' | 'node16'): Promise<{ code: number; problems: AttwProblem[] }> {
  const file = path.join(runDir(`attw-${profile}`), 'attw.json');
  const fd = openSync(file, 'w');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [toolPath('@arethetypeswrong', 'cli', 'dist', 'index.js'), ring.tarball, '--format', 'json', '--profile', profile], {
      stdio: ['ignore', fd, 'inherit'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  closeSync(fd);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { analysis: { problems: AttwProblem[] } };
  return { code, problems: report.analysis.problems };
}

const describeProblem = (problem: AttwProblem) => `${problem.kind} ${problem.entrypoint ?? ''} (${problem.resolutionKind ?? 'any resolution'})`;

describe('linters on the packed tarball', () => {
  beforeAll(async () => {
    await ensureTools();
  });

  test('attw --profile strict (node10, node16 CJS and ESM, bundler) finds no problem', async () => {
    const { code, problems } = await attw('strict');
    console.log(`[compat] attw strict: ${problems.length === 0 ? 'no problems' : problems.map(describeProblem).join('; ')}`);
    expect(problems.map(describeProblem)).toEqual([]);
    expect(code).toBe(0);
  });

  test('attw --profile node16 (node10 left out) finds no problem', async () => {
    const { code, problems } = await attw('node16');
    // The JSON lists every problem; the profile decides which of them count (and the exit code).
    expect(problems.filter((problem) => problem.resolutionKind !== 'node10').map(describeProblem)).toEqual([]);
    expect(code).toBe(0);
  });

  test('publint --strict: no errors or warnings', async () => {
    const result = await run(process.execPath, [toolPath('publint', 'src', 'cli.js'), 'run', ring.tarball, '--strict'], { env: { ...process.env, NO_COLOR: '1' } });
    // eslint-disable-next-line no-control-regex
    const output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    const suggestions = output.slice(output.indexOf('Suggestions:')).split('\n').filter((line) => /^\d+\./.test(line));
    console.log(`[compat] publint: ${suggestions.length ? `suggestions only: ${suggestions.join(' ')}` : 'nothing to say'}`);
    expect(output).not.toMatch(/^(Errors|Warnings):/m);
    expect(result.code, output).toBe(0);
  });
});
