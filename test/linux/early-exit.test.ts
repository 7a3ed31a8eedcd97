// The register preload's last word for a program that ends before its Service
// exists (lib/windows/early-exit.ts), in a real Node process: the 'exit' path
// of an import-time throw and of process.exit(), with a stand-in for the
// native status call that, like the real one, refuses until ServiceMain ran.
// The real SCM runs the same code in test/windows/failed-install.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';

const earlyExit = path.resolve(__dirname, '..', '..', 'dist', 'windows', 'early-exit.js');

/** Runs `body` after the hook is installed; returns the exit code and what was reported to the "SCM". */
function run(body: string, { taken = false } = {}): { status: number | null; reported: { request: Record<string, number>; attempts: number } | undefined; stderr: string } {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'servicehost-early-exit-')), 'reported.json');
  const script = `
    const fs = require('node:fs');
    const { reportStoppedOnEarlyExit } = require(${JSON.stringify(earlyExit)});
    let attempts = 0;
    const native = {
      setServiceStatus(request) {
        // ServiceMain has not run for the first three calls.
        if (++attempts <= 3) throw Object.assign(new Error('not connected'), { code: 'ERR_SERVICEHOST_NOT_CONNECTED' });
        fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ request, attempts }));
        return request;
      },
    };
    reportStoppedOnEarlyExit(native, () => ${taken});
    ${body}
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: child.status, reported: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined, stderr: child.stderr };
}

describe('a program that ends before its Service exists', () => {
  test('an uncaught exception: STOPPED with 75 once ServiceMain has run, and the process exits 75', () => {
    const { status, reported, stderr } = run(`throw new Error('fails while loading');`);
    expect(reported).toEqual({ request: { state: 1, serviceSpecificExitCode: 75 }, attempts: 4 });
    expect(status).toBe(75);
    expect(stderr).toContain('fails while loading');
  });

  test('process.exit(3) while loading: STOPPED with 3', () => {
    const { status, reported } = run('process.exit(3);');
    expect(reported?.request).toEqual({ state: 1, serviceSpecificExitCode: 3 });
    expect(status).toBe(3);
  });

  test('an exception the program handles is not an uncaught error: its own exit code is reported', () => {
    const { status, reported } = run(`process.on('uncaughtException', () => process.exit(5)); throw new Error('handled');`);
    expect(reported?.request).toEqual({ state: 1, serviceSpecificExitCode: 5 });
    expect(status).toBe(5);
  });

  test('once a Service (or raw caller) took the connection, nothing is reported and Node\'s code stands', () => {
    const { status, reported } = run(`throw new Error('after the takeover');`, { taken: true });
    expect(reported).toBeUndefined();
    expect(status).toBe(1);
  });
});
