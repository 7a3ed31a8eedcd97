// e2e: the Windows examples of the docs, copied out of the Markdown as written,
// run as real services. Every block marked `<!-- doc-test: windows-service -->`
// in README.md and docs/*.md (test/helpers/doc-blocks.ts) is written to its
// file in an app folder with the package installed, installed with
// `servicehost install --name <unique> -- <file>` (the register preload
// connects first), must be RUNNING, then `sc stop` must bring STOPPED with
// the expected exit code, and the process must end. docs/windows.md's
// raw-service.js also runs under a plain `sc create`, with nothing but the
// dispatcher holding its process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { queryService, repoRoot, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { extractDocBlocks, markOf, markProblems, selectedDocFiles, where, type DocBlock } from '../helpers/doc-blocks';
import { withPortLock } from '../helpers/port-lock';
import { servicehostCommand, uninstallQuietly } from './harness/manage';
import { installPackageCopy } from './harness/package-copy';
import {
  createService,
  fixturesDir,
  readLines,
  removeService,
  scratchDir,
  startAndWaitRunning,
  stopAndWaitStopped,
  uniqueServiceName,
  waitFor,
  waitForState,
} from './harness/service';

const ring = inject('windowsRing');
const ERROR_SERVICE_SPECIFIC_ERROR = 1066;

const files = selectedDocFiles(repoRoot);
const blocks = extractDocBlocks(files, repoRoot);
const rawService = blocks.find((block) => block.file === 'docs/windows.md' && block.fileName === 'raw-service.js');
// The Windows services of the docs. raw-service.js is one whatever its mark says, so its
// install-and-stop test stays while the docs move to marks (the linux ring checks the marks).
const windowsServices = blocks.filter(
  (block) => block === rawService || (markOf(block)?.kinds.includes('windows-service') && markProblems(block).length === 0),
);

/** An app folder holding the block as its file and a copy of the package; the script's path. */
function appWithBlock(label: string, block: DocBlock): { dir: string; script: string } {
  const dir = scratchDir(label);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'docs-example', private: true }));
  installPackageCopy(dir);
  const script = path.join(dir, block.fileName!);
  writeFileSync(script, block.body);
  return { dir, script };
}

// exit-logger.js only watches: it writes `exit <code>` beside the script when the process ends.
const exitLogger = () => toWindowsPath(path.join(fixturesDir, 'exit-logger.js'));

describe.skipIf(!ring.available)('docs/windows.md raw-service.js under sc create', () => {
  test.runIf(rawService !== undefined)('RUNNING, a clean stop, and the process exits 0', async () => {
    const { dir, script } = appWithBlock('doc-raw', rawService!);
    const name = uniqueServiceName('doc-raw');
    await createService(name, windowsNodeExe(), ['-r', exitLogger(), toWindowsPath(script)]);
    try {
      await startAndWaitRunning(name);
      // Nothing else holds the process: without the dispatcher's hold it would have exited (SCM error 1053).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(readLines(path.join(dir, 'exit.log'))).toEqual([]);
      const final = await stopAndWaitStopped(name);
      expect(final.win32ExitCode).toBe(0);
      await waitFor('the process to exit', () => readLines(path.join(dir, 'exit.log')).length > 0);
      expect(readLines(path.join(dir, 'exit.log'))).toEqual(['exit 0']);
    } finally {
      await removeService(name);
    }
  });
});

/**
 * A windows-service block, as the convention says: installed with the servicehost command,
 * RUNNING, `sc stop`, STOPPED within `stopWithinMs` with the expected exit code, the process ended.
 */
function runWindowsService(block: DocBlock, label: string, stopWithinMs = 30_000): Promise<void> {
  // The linux ring may be running the same block on the same port at the same time.
  return withPortLock(markOf(block)?.httpPort, () => runWindowsServiceUnlocked(block, label, stopWithinMs));
}

async function runWindowsServiceUnlocked(block: DocBlock, label: string, stopWithinMs: number): Promise<void> {
  const expected = markOf(block)?.expectExit ?? 0;
  const { dir, script } = appWithBlock(label, block);
  const name = uniqueServiceName(label);
  const exitLog = path.join(dir, 'exit.log');
  const context = async () => `${where(block)} (${dir})\nexit.log: ${JSON.stringify(readLines(exitLog))}\nsc query:\n${(await sc(['query', name])).output}`;
  const explained = async <T>(step: Promise<T>): Promise<T> =>
    step.catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await context()}`);
    });
  try {
    const installed = await servicehostCommand(['install', '--name', name, '--node-arg', '-r', '--node-arg', exitLogger(), '--', toWindowsPath(script)]);
    expect(installed.code, `servicehost install failed:\n${installed.stdout}${installed.stderr}\n${await context()}`).toBe(0);
    expect((await sc(['query', name])).output, await context()).toMatch(/RUNNING/u);
    const stopped = await sc(['stop', name]);
    expect(stopped.code, `${stopped.output}\n${await context()}`).toBe(0);
    const final = await explained(waitForState(name, 'STOPPED', stopWithinMs));
    if (expected === 0) expect(final.win32ExitCode, await context()).toBe(0);
    else expect([final.win32ExitCode, final.serviceExitCode], await context()).toEqual([ERROR_SERVICE_SPECIFIC_ERROR, expected]);
    await explained(waitFor('the process to exit', () => readLines(exitLog).length > 0));
    expect(readLines(exitLog), await context()).toEqual([`exit ${expected}`]);
  } finally {
    // A block that failed mid-stop may still be pending: give it the time it asked for before removing it.
    if ((await queryService(name)).state?.endsWith('PENDING')) await waitForState(name, 'STOPPED', 15_000).catch(() => {});
    await uninstallQuietly(name);
  }
}

describe.skipIf(!ring.available)('windows-service blocks of README.md and docs/, as written, under the SCM', () => {
  test.runIf(files.includes('docs/windows.md'))('docs/windows.md still has its raw-service.js block', () => {
    expect(rawService, 'docs/windows.md has no ```js raw-service.js block').toBeDefined();
  });

  windowsServices.forEach((block, index) => {
    test(`${where(block)} ${block.fileName}: servicehost install, RUNNING, sc stop, STOPPED, the process ends`, () => runWindowsService(block, `doc-${index}`));
  });
});

// Break-and-see, kept: the README's old raw example (a stop tested as a 'control' event) never
// reports STOPPED; the check must fail on it. It stops itself 5 s after the stop, so nothing is left running.
describe.skipIf(!ring.available)('the check fails where it should (fixtures/docs-broken.md)', () => {
  test('a raw service that sits in STOP_PENDING after sc stop fails', async () => {
    const [block] = extractDocBlocks(['test/windows/fixtures/docs-broken.md'], repoRoot);
    await expect(runWindowsService(block!, 'doc-broken', 3_000)).rejects.toThrow(/timed out after 3000 ms waiting for .* to be STOPPED[\s\S]*STOP_PENDING/u);
  });
});
