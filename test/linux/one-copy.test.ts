// One copy of servicehost's modules per copy of the package: the files loaded
// beside the bundled entry (the Windows code, servicehost/windows, /manage and
// the addon's loader) use the bundle's own errors module (scripts/bundle.mjs),
// so what they throw is the main entry's ServicehostError itself, not an equal
// class of a second copy. `instanceof` alone would not show it (the class
// also recognises other copies' errors by a brand), so the prototype is
// compared. In a real child process, against dist.
import path from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot, runNode } from './helpers';

const dist = path.join(repoRoot, 'dist');
const at = (file: string) => JSON.stringify(path.join(dist, file));

test("what the Windows code, servicehost/windows, /manage and the addon throw is require('servicehost')'s ServicehostError, one class", async () => {
  const script = `
    const main = require(${at('index.js')});
    const caught = (action) => { try { action(); } catch (error) { return error; } throw new Error('no error'); };
    const errors = {
      windowsHost: caught(() => new (require(${at('hosts/windows-console.js')}).WindowsConsoleHost)(5)),
      windowsEntry: caught(() => require(${at('windows.js')}).quoteWindowsArgument(5)),
      addon: caught(() => require(${at('native/load.js')}).posixNative().sdNotify('/nonexistent/servicehost.sock', 'READY=1')),
    };
    const manage = require(${at('manage.js')});
    manage.install(5).then(() => { throw new Error('no error'); }, (error) => {
      errors.manage = error;
      const report = Object.fromEntries(Object.entries(errors).map(([key, error]) => [key, {
        code: error.code,
        instance: error instanceof main.ServicehostError,
        sameClass: Object.getPrototypeOf(error) === main.ServicehostError.prototype,
      }]));
      report.manageExport = manage.ServicehostError === main.ServicehostError && manage.isSystemError === main.isSystemError;
      process.stdout.write(JSON.stringify(report));
    });`;
  const result = await runNode(script);
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as Record<string, { code: string; instance: boolean; sameClass: boolean }> & { manageExport: boolean };
  expect(report.windowsHost).toEqual({ code: 'ERR_INVALID_ARG_TYPE', instance: true, sameClass: true });
  expect(report.windowsEntry).toEqual({ code: 'ERR_INVALID_ARG_TYPE', instance: true, sameClass: true });
  // A system error made by the addon, with the class the loader handed it.
  expect(report.addon).toEqual({ code: 'ENOENT', instance: true, sameClass: true });
  expect(report.manage).toEqual({ code: 'ERR_INVALID_ARG_TYPE', instance: true, sameClass: true });
  expect(report.manageExport).toBe(true);
});
