// TypeScript consumers of the packed tarball: TypeScript × module resolution ×
// @types/node (harness/matrix.ts says which cells) type-checks a consumer that imports
// the package and each subpath (CommonJS and ESM files under node16 and
// nodenext), and asks two things of the types: `service.on('stop', e =>
// e.reason)` gives exactly the StopReason union, and `service.on('stpo', ...)`
// is an error. skipLibCheck is off, so servicehost's own .d.ts are checked;
// @types/node's own errors are left out (they are @types/node's).
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { ensureTools, toolPath } from './harness/compat-tools';
import { runDir } from './harness/consumer';
import { RESOLUTIONS, TYPESCRIPTS, TYPESCRIPTS_FOR_EVERY_TYPES_NODE, TYPES_NODE, TYPES_NODE_EVERYWHERE, type Resolution, type TypeScriptRow } from './harness/matrix';
import { execFileAsync, run } from './harness/tools';

const ring = inject('compatRing');

const CONSUMER = `import { Service } from 'servicehost';
import { windowsCommandLine } from 'servicehost/windows';
import { install } from 'servicehost/manage';
import 'servicehost/register';

type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Reasons = 'scm-stop' | 'shutdown' | 'preshutdown' | 'signal' | 'console' | 'programmatic' | 'error';

const service = new Service();
service.on('stop', (event) => {
  const reasonIsTheUnion: Exact<typeof event.reason, Reasons> = true;
  return reasonIsTheUnion;
});
// @ts-expect-error 'stpo' is no Service event: a typo must not type-check
service.on('stpo', () => {});
export const used = [windowsCommandLine, install];
`;

function compilerOptions(resolution: Resolution, ts: TypeScriptRow, types: string[]): Record<string, unknown> {
  const module = { node10: 'commonjs', node16: 'node16', nodenext: 'nodenext', bundler: 'preserve' }[resolution];
  return {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022'],
    module,
    moduleResolution: resolution,
    types,
    // What a TypeScript 6 user on node10 must write; 7 removed node10 outright.
    ...(resolution === 'node10' && ts.version.startsWith('6.') ? { ignoreDeprecations: '6.0' } : {}),
  };
}

interface Diagnostic {
  file: string;
  line: number;
  code: number;
  message: string;
}
interface Job {
  id: string;
  ts: TypeScriptRow;
  tsconfig: string;
}

const results = new Map<string, Diagnostic[]>();

/** The @types/node majors one TypeScript and resolution are checked with. */
function typesNodeFor(ts: TypeScriptRow, resolution: Resolution): string[] {
  if (resolution === 'nodenext' && TYPESCRIPTS_FOR_EVERY_TYPES_NODE.includes(ts.version)) return TYPES_NODE.map((row) => row.key);
  return TYPES_NODE_EVERYWHERE;
}
const typesNodeVersion = (key: string) => TYPES_NODE.find((row) => row.key === key)!.version;
const newestTypesNode = TYPES_NODE[TYPES_NODE.length - 1]!.key;
const jobId = (ts: TypeScriptRow, resolution: Resolution, typesNode: string, variant = '') => `${ts.version}/${resolution}/${typesNode}${variant}`;

// A consumer folder per @types/node: the tarball unpacked as npm would, and that @types/node.
async function makeConsumer(root: string, typesNode: string): Promise<string> {
  const dir = path.join(root, `types-node-${typesNode}`);
  const modules = path.join(dir, 'node_modules');
  mkdirSync(path.join(modules, 'servicehost'), { recursive: true });
  await execFileAsync('tar', ['-xzf', ring.tarball, '-C', path.join(modules, 'servicehost'), '--strip-components=1']);
  const source = toolPath(`types-node-${typesNode}`);
  cpSync(source, path.join(modules, '@types', 'node'), { recursive: true });
  // undici-types: nested in the alias when npm could not hoist it, else the hoisted one.
  const undici = existsSync(path.join(source, 'node_modules', 'undici-types')) ? path.join(source, 'node_modules', 'undici-types') : toolPath('undici-types');
  cpSync(undici, path.join(modules, 'undici-types'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `ts-consumer-${typesNode}`, private: true }));
  for (const name of ['consumer.ts', 'consumer.cts', 'consumer.mts']) writeFileSync(path.join(dir, name), CONSUMER);
  return dir;
}

function files(resolution: Resolution): string[] {
  return resolution === 'node16' || resolution === 'nodenext' ? ['consumer.cts', 'consumer.mts'] : ['consumer.ts'];
}

// TypeScript 7's bin/tsc is a Node wrapper around a native executable: run that directly.
function nativeTsc(ts: TypeScriptRow): [string, string[]] {
  const native = toolPath('@typescript', `typescript-${process.platform}-${process.arch}`, 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
  return existsSync(native) ? [native, []] : [process.execPath, [toolPath(ts.tool, 'bin', 'tsc')]];
}

async function runCli(job: Job): Promise<void> {
  const cwd = path.dirname(job.tsconfig);
  const [command, prefix] = nativeTsc(job.ts);
  const result = await run(command, [...prefix, '-p', job.tsconfig, '--pretty', 'false'], { cwd });
  const diagnostics: Diagnostic[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = /^(.*?)(?:\((\d+),\d+\))?: error TS(\d+): (.*)$/.exec(line);
    if (match) diagnostics.push({ file: match[1]!, line: Number(match[2] ?? 0), code: Number(match[3]), message: match[4]! });
    else if (line.startsWith('  ') && diagnostics.length > 0) diagnostics[diagnostics.length - 1]!.message += ` ${line.trim()}`;
  }
  // As with the API runs: @types/node's own errors are not servicehost's.
  results.set(job.id, diagnostics.filter((diagnostic) => !/node_modules\/(@types\/node|undici-types)\//.test(diagnostic.file)));
}

async function runApi(tool: string, batch: Job[], scratch: string): Promise<void> {
  const jobsFile = path.join(scratch, `${tool}-jobs.json`);
  writeFileSync(jobsFile, JSON.stringify(batch.map(({ id, tsconfig }) => ({ id, tsconfig }))));
  const result = await run(process.execPath, [path.join(__dirname, 'harness', 'ts-check.cjs'), toolPath(tool), jobsFile], { timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`${tool} type-check batch failed:\n${result.stderr}`);
  for (const { id, diagnostics } of JSON.parse(result.stdout) as { id: string; diagnostics: Diagnostic[] }[]) results.set(id, diagnostics);
}

/** Runs `tasks` two at a time: the machine has two cores. */
async function twoAtATime(tasks: (() => Promise<void>)[]): Promise<void> {
  const queue = [...tasks];
  await Promise.all([0, 1].map(async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  }));
}

function show(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.file}${d.line ? `:${d.line}` : ''} TS${d.code} ${d.message}`);
}

beforeAll(async () => {
  const setupStarted = Date.now();
  await ensureTools();
  const root = runDir('typescript');
  const dirs = new Map<string, string>();
  await Promise.all(TYPES_NODE.map(async ({ key }) => dirs.set(key, await makeConsumer(root, key))));
  console.log(`[compat] TypeScript consumers made in ${Date.now() - setupStarted} ms`);
  const jobs: Job[] = [];
  for (const ts of TYPESCRIPTS) {
    for (const resolution of RESOLUTIONS) {
      for (const typesNode of typesNodeFor(ts, resolution)) {
        const dir = dirs.get(typesNode)!;
        const tsconfig = path.join(dir, `tsconfig.${ts.version}.${resolution}.json`);
        writeFileSync(tsconfig, JSON.stringify({ compilerOptions: compilerOptions(resolution, ts, ['node']), files: files(resolution) }, null, 2));
        jobs.push({ id: jobId(ts, resolution, typesNode), ts, tsconfig });
      }
    }
    // types: [] with the newest @types/node installed: servicehost's .d.ts must still check.
    for (const resolution of ['nodenext'] as const) {
      const dir = dirs.get(newestTypesNode)!;
      const tsconfig = path.join(dir, `tsconfig.${ts.version}.${resolution}.no-types.json`);
      writeFileSync(tsconfig, JSON.stringify({ compilerOptions: compilerOptions(resolution, ts, []), files: files(resolution) }, null, 2));
      jobs.push({ id: jobId(ts, resolution, 'none', ' types:[]'), ts, tsconfig });
    }
  }
  const tasks: (() => Promise<void>)[] = [];
  const timings: string[] = [];
  for (const ts of TYPESCRIPTS) {
    const batch = jobs.filter((job) => job.ts === ts);
    const timed = (label: string, task: () => Promise<void>) => async () => {
      const started = Date.now();
      await task();
      timings.push(`${label} ${Date.now() - started} ms`);
    };
    if (ts.api) tasks.push(timed(`${ts.version} (${batch.length} programs)`, () => runApi(ts.tool, batch, root)));
    else tasks.push(...batch.map((job) => timed(job.id, () => runCli(job))));
  }
  const started = Date.now();
  await twoAtATime(tasks);
  console.log(`[compat] ${jobs.length} TypeScript programs checked in ${Date.now() - started} ms: ${timings.join(', ')}`);
});

for (const ts of TYPESCRIPTS) {
  describe(`TypeScript ${ts.version} (${ts.why})`, () => {
    for (const resolution of RESOLUTIONS) {
      if (resolution === 'node10' && ts.version.startsWith('7.')) {
        test(`moduleResolution node10: TypeScript ${ts.version} has removed it (TS5108), so there is nothing to check`, () => {
          for (const typesNode of typesNodeFor(ts, resolution)) expect(results.get(jobId(ts, resolution, typesNode))!.map((d) => d.code)).toContain(5108);
        });
        continue;
      }
      const cases = typesNodeFor(ts, resolution).map((key) => {
        return { key, label: `@types/node ${typesNodeVersion(key)}` };
      });
      for (const { key: typesNode, label } of cases) {
        test(`moduleResolution ${resolution}, ${label}: imports resolve, stop's reason is the union, 'stpo' is an error`, () => {
          const diagnostics = results.get(jobId(ts, resolution, typesNode));
          expect(diagnostics, 'this program was never checked').toBeDefined();
          expect(show(diagnostics!)).toEqual([]);
        });
      }
    }
    for (const resolution of ['nodenext'] as const) {
      test(`types: [] (moduleResolution ${resolution}): no errors from servicehost's .d.ts (it references Node's types itself)`, () => {
        const diagnostics = results.get(jobId(ts, resolution, 'none', ' types:[]'));
        expect(diagnostics, 'this program was never checked').toBeDefined();
        expect(show(diagnostics!.filter((d) => d.file.startsWith('node_modules/servicehost/')))).toEqual([]);
      });
    }
  });
}
