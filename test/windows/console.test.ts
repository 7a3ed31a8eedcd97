// e2e: the same program outside the SCM: console mode, no crash, no hang; a
// Ctrl-C typed at a real terminal stops it through the same lifecycle; one
// dispatcher per process, whatever loads the addon a second time.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, repoRoot, runWindows, spawnWindowsInPty, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { fixturesDir, readLines, scratchDir, waitFor } from './harness/service';

const ring = inject('windowsRing');

function records(file: string): Record<string, unknown>[] {
  return readLines(file).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(!ring.available)('console mode', () => {
  test('outside the SCM the program detects the console at once, runs and exits cleanly', async () => {
    const log = path.join(scratchDir('console'), 'console.log');
    const started = Date.now();
    const result = await runWindows(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'console-app.js')), toWindowsPath(log), 'exit'], { timeoutMs: 30_000 });
    const elapsed = Date.now() - started;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(records(log)).toEqual([{ event: 'host', kind: 'windows-console' }, { event: 'running' }, { event: 'exit', code: 0 }]);
    // Detection never waits on a failing dispatcher, which takes ~10 s to give up.
    expect(elapsed).toBeLessThan(8_000);
  });

  test.skipIf(isNativeWindows)('[Wine only: needs a Linux pty] dispose() gives the console handler back; a second Service in the same process takes it, and a Ctrl-C stops that one', async () => {
    const log = path.join(scratchDir('dispose'), 'console.log');
    const child = spawnWindowsInPty(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'console-app.js')), toWindowsPath(log), 'dispose']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('the second service to run', () => records(log).some((record) => record.second === true), 30_000);
      child.stdin!.write('\x03');
      expect(await exited).toBe(0);
      expect(records(log)).toEqual([
        { event: 'host', kind: 'windows-console' },
        { event: 'running' },
        { event: 'disposed' },
        { event: 'running', second: true },
        { event: 'stop', reason: 'console', detail: 'ctrl-c', second: true },
        { event: 'exit', code: 0 },
      ]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test.skipIf(isNativeWindows)('[Wine only: needs a Linux pty; windows-latest raises Ctrl-Break instead] Ctrl-C typed at a real terminal stops the program gracefully', async () => {
    const log = path.join(scratchDir('ctrlc'), 'console.log');
    const child = spawnWindowsInPty(windowsNodeExe(), [toWindowsPath(path.join(fixturesDir, 'console-app.js')), toWindowsPath(log), 'wait']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('the program to run', () => records(log).some((record) => record.event === 'running'), 30_000);
      child.stdin!.write('\x03');
      expect(await exited).toBe(0);
      expect(records(log)).toEqual([
        { event: 'host', kind: 'windows-console' },
        { event: 'running' },
        { event: 'stop', reason: 'console', detail: 'ctrl-c' },
        { event: 'exit', code: 0 },
      ]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a second dispatcher, from a worker thread or a second copy of the addon, gets a clear error', async () => {
    const dir = scratchDir('second');
    const copy = path.join(dir, 'copy-of-servicehost.node');
    const script = `
      const windows = require(process.argv[1]);
      windows.startServiceDispatcher({ onEvent() {} });
      const loaded = Object.keys(require.cache).find((file) => file.endsWith('.node'));
      require('node:fs').copyFileSync(loaded, process.argv[2]);
      const { Worker } = require('node:worker_threads');
      const worker = new Worker(\`
        const { parentPort, workerData } = require('node:worker_threads');
        try { require(workerData).startServiceDispatcher({ onEvent() {} }); parentPort.postMessage('none'); }
        catch (error) { parentPort.postMessage(error.code); }\`, { eval: true, workerData: process.argv[1] });
      worker.on('message', (fromWorker) => {
        let fromCopy = 'none';
        try { require(process.argv[2]).startDispatcher({ onEvent() {} }); } catch (error) { fromCopy = error.code; }
        console.log(JSON.stringify({ fromWorker, fromCopy }));
        process.exit(0);
      });`;
    const result = await runWindows(windowsNodeExe(), ['-e', script, toWindowsPath(path.join(repoRoot, 'dist', 'windows.js')), toWindowsPath(copy)], { timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(existsSync(copy)).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual({ fromWorker: 'ERR_SERVICEHOST_DISPATCHER_STARTED', fromCopy: 'ERR_SERVICEHOST_DISPATCHER_STARTED' });
    expect(result.code).toBe(0);
  });
  test('stopSignals and reloadSignals: Windows hears no signals, so a name it lacks (SIGUSR2) is taken, and a value that is no list is refused with a typed error', async () => {
    const entry = JSON.stringify(toWindowsPath(repoRoot));
    const script = `
      const { Service } = require(${entry});
      const codeOf = (options) => { try { new Service(options).dispose(); return 'ok'; } catch (error) { return error.code; } };
      console.log(JSON.stringify({
        portable: codeOf({ stopSignals: ['SIGTERM', 'SIGUSR2'], reloadSignals: ['SIGHUP'] }),
        notAList: codeOf({ stopSignals: 'SIGTERM' }),
        notNames: codeOf({ reloadSignals: [1] }),
      }));`;
    const result = await runWindows(windowsNodeExe(), ['-e', script], { timeoutMs: 30_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ portable: 'ok', notAList: 'ERR_INVALID_ARG_TYPE', notNames: 'ERR_INVALID_ARG_TYPE' });
  });
});
