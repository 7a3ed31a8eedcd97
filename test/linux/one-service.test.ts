// One Service per process on POSIX, as on Windows: the posix and systemd hosts
// own the process's stop signals, so a second Service (of the same copy of
// servicehost, or of a second copy loaded from another path) is refused when
// it is made, with ERR_SERVICEHOST_SECOND_SERVICE, and the first one runs on
// untouched. A Service handed a host of its own takes no claim; one made after
// the first was disposed of or stopped is allowed. In real child processes,
// against dist and a copy of it in a temp folder.
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot, runNode, tempDir } from './helpers';

const at = (file: string) => JSON.stringify(path.join(repoRoot, 'dist', file));
// Detection then picks the posix host, whatever this process's environment says.
const quiet = "{ hostOptions: { systemd: { env: {} } }, logger: { error() {}, warn() {}, info() {}, debug() {} }, exitProcess: () => {} }";

/** A second copy of the built package, as a second node_modules would hold it. */
function secondCopy(): string {
  const copy = path.join(tempDir('second-copy'), 'node_modules', 'servicehost');
  mkdirSync(copy, { recursive: true });
  for (const entry of ['package.json', 'dist']) cpSync(path.join(repoRoot, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

function refusal(script: string): string {
  return `
    const caught = (make) => { try { make(); return { made: true }; } catch (error) { return { code: error.code, name: error.name, message: error.message }; } };
    ${script}`;
}

test('a second new Service() of the same copy is refused; the first goes on and stops as before', async () => {
  const result = await runNode(
    refusal(`
    const { Service } = require(${at('index.js')});
    const sigterm = process.listenerCount('SIGTERM');
    const first = new Service(${quiet});
    const second = caught(() => new Service(${quiet}));
    const listening = process.listenerCount('SIGTERM') - sigterm;
    first.stop().then((outcome) => process.stdout.write(JSON.stringify({ second, listening, exitCode: outcome.exitCode })));`),
  );
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report.second).toMatchObject({ code: 'ERR_SERVICEHOST_SECOND_SERVICE', name: 'ServicehostError' });
  expect(report.second.message).toMatch(/^new Service\(\): this process already has a Service/u);
  // The refused one left no signal handler behind: the first one's alone.
  expect(report.listening).toBe(1);
  expect(report.exitCode).toBe(0);
});

test('a Service made after the first was disposed of, or after it stopped, is allowed; a host handed in takes no claim', async () => {
  const result = await runNode(
    refusal(`
    const { Service } = require(${at('index.js')});
    const host = { kind: 'posix', open() {}, listen() {}, report() {}, statusText() { return false; }, async close() {} };
    const first = new Service(${quiet});
    const beside = caught(() => new Service({ host, handleUncaughtErrors: false }));
    first.dispose();
    const afterDispose = caught(() => new Service(${quiet}).stop().then(() => {
      const afterStop = caught(() => new Service(${quiet}));
      process.stdout.write(JSON.stringify({ beside, afterStop }));
    }));
    if (!afterDispose.made) process.stdout.write(JSON.stringify({ afterDispose }));`),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ beside: { made: true }, afterStop: { made: true } });
});

test('two copies of servicehost loaded from two paths: the second copy\'s Service is refused, whichever copy made the first', async () => {
  const copy = secondCopy();
  const result = await runNode(
    refusal(`
    const a = require(${at('index.js')});
    const b = require(${JSON.stringify(copy)});
    if (a.Service === b.Service) throw new Error('one copy, not two');
    const first = new a.Service(${quiet});
    const second = caught(() => new b.Service(${quiet}));
    first.dispose();
    const firstB = new b.Service(${quiet});
    const secondA = caught(() => new a.Service(${quiet}));
    firstB.dispose();
    process.stdout.write(JSON.stringify({ second, secondA }));`),
  );
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report.second).toMatchObject({ code: 'ERR_SERVICEHOST_SECOND_SERVICE', message: expect.stringMatching(/another copy of servicehost/u) });
  expect(report.secondA).toMatchObject({ code: 'ERR_SERVICEHOST_SECOND_SERVICE' });
});
