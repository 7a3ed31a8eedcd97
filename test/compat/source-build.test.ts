// The fallback when no prebuild fits: the tarball holds what node-gyp needs
// (binding.gyp, cpp/, scripts/install.js; node-addon-api comes as a
// dependency) and nothing of cmake-js's. With SERVICEHOST_BUILD_FROM_SOURCE=1
// the install script builds build/Release with npm's node-gyp, and that binary loads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { installConsumer } from './harness/consumer';
import { findProgram, run } from './harness/tools';

const ring = inject('compatRing');
// node-gyp needs the running Node's headers; the host's Node has them beside it, the npm-packaged ones do not.
const headers = path.join(path.dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
const problem = !existsSync(headers)
  ? `this Node (${process.execPath}) has no headers at ${headers} for node-gyp, and nodejs.org is out of reach here`
  : ['g++', 'make', 'python3'].filter((tool) => !findProgram(tool)).map((tool) => `${tool} is not installed`).join(', ') || undefined;

describe.skipIf(process.platform !== 'linux' || !!problem)(`the source build from the packed tarball${problem ? ` [skipped: ${problem}]` : ''}`, () => {
  test('npm install with SERVICEHOST_BUILD_FROM_SOURCE=1 compiles with node-gyp, without CMakeLists.txt or cmake/, and the binary loads', async () => {
    expect(ring.files.filter((file) => file === 'CMakeLists.txt' || file.startsWith('cmake/'))).toEqual([]);
    for (const needed of ['binding.gyp', 'cpp/sources.json', 'cpp/addon.cc', 'scripts/install.js']) expect(ring.files).toContain(needed);
    const consumer = await installConsumer('source-build', { node: process.execPath, tarball: ring.tarball, withBuildTools: { SERVICEHOST_BUILD_FROM_SOURCE: '1' } });
    expect(consumer.installOutput).toContain('building from source');
    const built = path.join(consumer.dir, 'node_modules', 'servicehost', 'build', 'Release', 'servicehost.node');
    expect(existsSync(built), consumer.installOutput).toBe(true);
    const loaded = await run(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(built)}).getBuildInfo())`], { env: consumer.env });
    expect(JSON.parse(loaded.stdout)).toMatchObject({ platform: 'linux', toolchain: 'gcc', napiVersion: 8 });
  });
});
