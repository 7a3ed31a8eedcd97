// Windows Node under Wine for the compat ring, in a prefix of its own
// (build/compat/wine): the Windows ring's prefix (build/wine) is stopped and
// restarted by that ring's setup, which would end the ring's console programs
// mid-run. Same recipe as scripts/windows-env.mjs (its comments say why): a persistent
// wineserver first, Windows 10, one wineboot with no pipes to hold; ended with
// `wineserver -k` for this prefix only.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compatDir } from './matrix';
import { findProgram, run } from './tools';

export const WINE_PREFIX = path.join(compatDir, 'wine');
const readyMarker = path.join(WINE_PREFIX, '.servicehost-ready');

export const wine = findProgram('/usr/lib/wine/wine64') ?? findProgram('wine64');
export const wineserver = findProgram('/usr/lib/wine/wineserver') ?? findProgram('wineserver');
export const python3 = findProgram('/usr/bin/python3') ?? findProgram('python3');

export function wineEnv(): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', WINEPREFIX: WINE_PREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

/** Why Windows Node cannot run here, or undefined. */
export function wineProblem(): string | undefined {
  if (process.platform !== 'linux') return 'Windows Node runs under Wine on Linux only (windows-latest runs it natively)';
  const missing = [
    ['wine64', wine],
    ['wineserver', wineserver],
    ['python3 (for a pseudo-terminal)', python3],
  ].filter(([, found]) => !found);
  if (missing.length > 0) return `${missing.map(([name]) => name).join(', ')} not installed (Debian packages wine64, python3); bash .ci/run installs them`;
  return undefined;
}

// Waits for the program's exit, not for its output: wineserver -p leaves a daemon holding them.
function runDetached(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: wineEnv(), stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

export async function stopWine(): Promise<void> {
  if (!wineserver || !existsSync(WINE_PREFIX)) return;
  await run(wineserver, ['-k'], { env: wineEnv(), timeoutMs: 30_000 }).catch(() => undefined);
  await run(wineserver, ['-w'], { env: wineEnv(), timeoutMs: 30_000 }).catch(() => undefined);
}

export async function startWine(): Promise<void> {
  await stopWine();
  mkdirSync(WINE_PREFIX, { recursive: true });
  await runDetached(wineserver!, ['-p']);
  if (!existsSync(readyMarker)) {
    try {
      await runDetached(wine!, ['winecfg', '/v', 'win10']);
    } catch {
      // A prefix left half-made by an interrupted run: make it again, once.
      await stopWine();
      rmSync(WINE_PREFIX, { recursive: true, force: true });
      mkdirSync(WINE_PREFIX, { recursive: true });
      await runDetached(wineserver!, ['-p']);
      await runDetached(wine!, ['winecfg', '/v', 'win10']);
    }
    writeFileSync(readyMarker, `${new Date().toISOString()}\n`);
  }
  await runDetached(wine!, ['wineboot']);
}
