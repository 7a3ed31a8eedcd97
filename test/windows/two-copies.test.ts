// e2e: two copies of servicehost in one service process. A CLI from one
// install (a global `npm i -g servicehost`) installs an app that requires its
// own copy. The app's Service must start and take every control, whichever
// copy's preload connected to the SCM.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { runWindows, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { manage, uninstallQuietly } from './harness/manage';
import { installPackageCopy } from './harness/package-copy';
import { fixturesDir, readLines, scratchDir, uniqueServiceName, waitFor, waitForState } from './harness/service';

const ring = inject('windowsRing');

interface Setup {
  cliCopy: string;
  appCopy: string;
  app: string;
  records(): Record<string, unknown>[];
}

function setUp(label: string): Setup {
  const root = scratchDir(label);
  const cliCopy = installPackageCopy(path.join(root, 'global'));
  const app = path.join(root, 'app');
  mkdirSync(app);
  // An app of its own: without a package.json, Node would resolve 'servicehost' to an enclosing package of that name.
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  const appCopy = installPackageCopy(app);
  copyFileSync(path.join(fixturesDir, 'two-copies-app.js'), path.join(app, 'server.js'));
  return { cliCopy, appCopy, app, records: () => readLines(path.join(app, 'log')).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** The global copy's `servicehost` command. */
function globalCli(setup: Setup, args: string[]) {
  return runWindows(windowsNodeExe(), [toWindowsPath(path.join(setup.cliCopy, 'dist', 'cli.js')), ...args], { timeoutMs: 120_000 });
}

async function driveControls(setup: Setup, name: string): Promise<void> {
  await waitFor('the app to run', () => setup.records().some((record) => record.event === 'running'), 20_000);
  const sent = await manage([2, 3, 200, 1].map((code) => ({ op: 'native' as const, fn: 'scmControlService', args: [name, code] })));
  expect(sent.map((outcome) => outcome.ok)).toEqual([true, true, true, true]);
  const final = await waitForState(name, 'STOPPED');
  expect(final.win32ExitCode).toBe(0);
  await waitFor('the process to exit', () => setup.records().some((record) => record.event === 'exit'));
  expect(setup.records().map((record) => record.event)).toEqual(['copies', 'running', 'pause', 'continue', 'custom', 'stop', 'exit']);
  expect(setup.records().at(-1)).toEqual({ event: 'exit', code: 0 });
}

describe.skipIf(!ring.available)('two copies of servicehost in one process', () => {
  test("a global CLI installs an app with its own copy: the app's own register is preloaded, and everything works", async () => {
    const setup = setUp('copies-own');
    const name = uniqueServiceName('copies-own');
    try {
      const installed = await globalCli(setup, ['install', '--name', name, '--json', '--', toWindowsPath(path.join(setup.app, 'server.js'))]);
      expect(installed.code, installed.stderr).toBe(0);
      expect(JSON.parse(installed.stdout).command).toContain(toWindowsPath(path.join(setup.appCopy, 'dist', 'register.js')));
      await driveControls(setup, name);
      expect(setup.records()[0]).toMatchObject({ connectedBy: toWindowsPath(setup.appCopy), serviceFrom: toWindowsPath(setup.appCopy) });
    } finally {
      await uninstallQuietly(name);
    }
  });

  test("the global copy's preload connects first: the app's copy takes the connection over", async () => {
    const setup = setUp('copies-handoff');
    const name = uniqueServiceName('copies-handoff');
    try {
      const globalRegister = toWindowsPath(path.join(setup.cliCopy, 'dist', 'register.js'));
      const installed = await globalCli(setup, ['install', '--name', name, '--node-arg', '--require', '--node-arg', globalRegister, '--', toWindowsPath(path.join(setup.app, 'server.js'))]);
      expect(installed.code, installed.stderr).toBe(0);
      await driveControls(setup, name);
      expect(setup.records()[0]).toMatchObject({ connectedBy: toWindowsPath(setup.cliCopy), serviceFrom: toWindowsPath(setup.appCopy) });
    } finally {
      await uninstallQuietly(name);
    }
  });
});
