// e2e: the Windows examples of the docs, copied out of the Markdown as written,
// run as real services. docs/windows.md's raw-service.js must start, take a
// stop and end its process cleanly with nothing but the dispatcher holding it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { repoRoot, sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { servicehostCommand, uninstallQuietly } from './harness/manage';
import { installPackageCopy } from './harness/package-copy';
import { createService, fixturesDir, readLines, removeService, scratchDir, startAndWaitRunning, stopAndWaitStopped, uniqueServiceName, waitFor } from './harness/service';

const ring = inject('windowsRing');

/** The fenced block whose info string is `js <file>`, from a Markdown file of the repo. */
export function docExample(markdown: string, file: string): string {
  const text = readFileSync(path.join(repoRoot, markdown), 'utf8');
  const match = new RegExp(`\`\`\`js ${file.replaceAll('.', '\\.')}\\n([\\s\\S]*?)\`\`\``, 'u').exec(text);
  if (!match) throw new Error(`${markdown} has no \`\`\`js ${file} block`);
  return match[1]!;
}

function appWithExample(label: string): { dir: string; script: string } {
  const dir = scratchDir(label);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'docs-example', private: true }));
  installPackageCopy(dir);
  const script = path.join(dir, 'raw-service.js');
  writeFileSync(script, docExample('docs/windows.md', 'raw-service.js'));
  return { dir, script };
}

describe.skipIf(!ring.available)('docs/windows.md, as written', () => {
  test('raw-service.js under sc create: RUNNING, a clean stop, and the process exits 0', async () => {
    const { dir, script } = appWithExample('doc-raw');
    const name = uniqueServiceName('doc-raw');
    await createService(name, windowsNodeExe(), ['-r', toWindowsPath(path.join(fixturesDir, 'exit-logger.js')), toWindowsPath(script)]);
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

  test('raw-service.js installed with the servicehost command (the register preload connects first): the same', async () => {
    const { dir, script } = appWithExample('doc-raw-cli');
    const name = uniqueServiceName('doc-raw-cli');
    try {
      const installed = await servicehostCommand(['install', '--name', name, '--node-arg', '-r', '--node-arg', toWindowsPath(path.join(fixturesDir, 'exit-logger.js')), '--', toWindowsPath(script)]);
      expect(installed.code, installed.stderr).toBe(0);
      expect((await sc(['query', name])).output).toMatch(/RUNNING/u);
      const stopped = await servicehostCommand(['stop', name]);
      expect(stopped.code, stopped.stderr).toBe(0);
      await waitFor('the process to exit', () => readLines(path.join(dir, 'exit.log')).length > 0);
      expect(readLines(path.join(dir, 'exit.log'))).toEqual(['exit 0']);
    } finally {
      await uninstallQuietly(name);
    }
  });
});
