// e2e: a Node script as a real service of the real SCM (Wine's under Wine).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { sc, toWindowsPath, windowsNodeExe } from '../../scripts/windows-env.mjs';
import { createService, fixturesDir, readLines, removeService, scratchDir, uniqueServiceName, waitFor, waitForState } from './harness/service';

const ring = inject('windowsRing');

describe.skipIf(!ring.available)('a Node script as a real SCM service', () => {
  test('sc start → RUNNING; sc stop → STOP_PENDING while cleanup runs → STOPPED with exit code 0, then the process exits', async () => {
    const name = uniqueServiceName('stop');
    const dir = scratchDir('stop');
    const log = path.join(dir, 'service.log');
    const release = path.join(dir, 'release');
    await createService(name, windowsNodeExe(), [
      toWindowsPath(path.join(fixturesDir, 'stop-service.js')),
      toWindowsPath(log),
      toWindowsPath(release),
    ]);
    try {
      const started = await sc(['start', name]);
      expect(started.code, started.output).toBe(0);
      const running = await waitForState(name, 'RUNNING');
      expect(running.win32ExitCode).toBe(0);
      await waitFor('the service to log running', () => readLines(log).includes(`running ${name}`));

      const stopped = await sc(['stop', name]);
      expect(stopped.code, stopped.output).toBe(0);
      await waitFor('cleanup to begin', () => readLines(log).includes('cleanup-begin'));
      // The fixture holds its cleanup until the release file exists: STOPPED must not come before it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pending = await waitForState(name, 'STOP_PENDING', 1_000);
      expect(pending.checkPoint).toBeGreaterThanOrEqual(1);
      expect(pending.waitHint).toBe(10_000);
      expect(readLines(log)).not.toContain('cleanup-end');

      writeFileSync(release, '');
      const final = await waitForState(name, 'STOPPED');
      expect(final.win32ExitCode).toBe(0);
      expect(final.serviceExitCode).toBe(0);
      await waitFor('the process to exit', () => readLines(log).some((line) => line.startsWith('exit ')));
      expect(readLines(log)).toEqual([`running ${name}`, 'stop scm-stop', 'cleanup-begin', 'cleanup-end', 'exit 0']);
    } finally {
      writeFileSync(release, '');
      await removeService(name);
    }
  });

  test('a non-zero outcome reaches the SCM as 1066 plus the service-specific code, and the process exits with it', async () => {
    const name = uniqueServiceName('exitcode');
    const dir = scratchDir('exitcode');
    const log = path.join(dir, 'service.log');
    const release = path.join(dir, 'release');
    writeFileSync(release, '');
    await createService(name, windowsNodeExe(), [
      toWindowsPath(path.join(fixturesDir, 'stop-service.js')),
      toWindowsPath(log),
      toWindowsPath(release),
      '42',
    ]);
    try {
      expect((await sc(['start', name])).code).toBe(0);
      await waitForState(name, 'RUNNING');
      expect((await sc(['stop', name])).code).toBe(0);
      const final = await waitForState(name, 'STOPPED');
      expect(final.win32ExitCode).toBe(1066);
      expect(final.serviceExitCode).toBe(42);
      await waitFor('the process to exit', () => readLines(log).includes('exit 42'));
    } finally {
      await removeService(name);
    }
  });

  test('a second sc stop of a stopped service is refused by the SCM, and nothing is reported twice', async () => {
    const name = uniqueServiceName('twice');
    const dir = scratchDir('twice');
    const log = path.join(dir, 'service.log');
    const release = path.join(dir, 'release');
    writeFileSync(release, '');
    await createService(name, windowsNodeExe(), [
      toWindowsPath(path.join(fixturesDir, 'stop-service.js')),
      toWindowsPath(log),
      toWindowsPath(release),
    ]);
    try {
      expect((await sc(['start', name])).code).toBe(0);
      await waitForState(name, 'RUNNING');
      expect((await sc(['stop', name])).code).toBe(0);
      await waitForState(name, 'STOPPED');
      await waitFor('the process to exit', () => readLines(log).includes('exit 0'));
      expect((await sc(['stop', name])).code).not.toBe(0);
      expect(readLines(log).filter((line) => line.startsWith('stop '))).toEqual(['stop scm-stop']);
    } finally {
      await removeService(name);
    }
  });
});
