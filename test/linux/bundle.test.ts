// The runtime entry is one bundled file (scripts/bundle.mjs), and what a
// service does not use stays unloaded: in a real child process, against dist.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, runNode } from './helpers';

const dist = path.join(repoRoot, 'dist');

// Written with fs.writeSync: process.stdout itself would load stream modules.
const probe = (script: string) => `
  const before = new Set(process.moduleLoadList);
  const report = () => require('node:fs').writeSync(1, JSON.stringify({
    files: Object.keys(require.cache).filter((file) => file.startsWith(${JSON.stringify(dist + path.sep)})).map((file) => file.slice(${dist.length + 1})),
    builtins: process.moduleLoadList.filter((name) => !before.has(name) && name.startsWith('NativeModule ')).map((name) => name.slice(13)),
  }));
  ${script}`;

async function loaded(script: string): Promise<{ files: string[]; builtins: string[] }> {
  const result = await runNode(probe(script), { env: { ...process.env, NOTIFY_SOCKET: '' } });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { files: string[]; builtins: string[] };
}

describe('the bundled entry', () => {
  test("require('servicehost') and a started Service read one file of the package, and only the built-ins an http server loads too", async () => {
    const { files, builtins } = await loaded(`
      const { Service } = require(${JSON.stringify(dist)});
      const service = new Service();
      service.start().then(() => { report(); service.dispose(); });`);
    expect(files).toEqual(['index.js']);
    // The rehearsal's diagnostics channel; the stop's AbortController waits for the stop (or service.signal);
    // no node:os, net, http or stream.
    expect(builtins.sort()).toEqual(['diagnostics_channel']);
  });

  test('the drain loads on service.add(server), nothing more; the addon loads from the package root through dist/native/load.js', async () => {
    const { files } = await loaded(`
      const servicehost = require(${JSON.stringify(dist)});
      const service = new servicehost.Service();
      service.add(require('node:http').createServer());
      const info = servicehost.nativeBuildInfo();
      if (info.platform !== 'linux') throw new Error('unexpected ' + JSON.stringify(info));
      report();
      service.dispose();`);
    expect(files.sort()).toEqual(['errors.js', 'index.js', 'native/load.js']);
  });
});
