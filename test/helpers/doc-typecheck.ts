// Type-checks doc blocks against the package's published .d.ts, in ONE
// TypeScript program: each block a module file of its own in a scratch folder
// where `servicehost` resolves to this checkout (node_modules/servicehost is a
// link to it, so its package.json `exports` pick dist/*.d.ts / *.d.mts as a
// user's install would). Errors come back as Markdown positions.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { isTypeScript, markOf, type DocBlock, where } from './doc-blocks';

/** The convention's ambient prelude for `typecheck` fragments (docs-tests convention). */
export const PRELUDE = [
  "declare const service: import('servicehost').Service;",
  "declare const server: import('node:http').Server;",
].join('\n');

export interface TypecheckResult {
  /** `file:line: TSnnnn message (block file:line)`, Markdown positions. */
  errors: string[];
  fragments: number;
  programs: number;
}

// noImplicitAny's "implicitly has an 'any' type" family. A JavaScript reader
// does not annotate (`const lines = []` captured by a closure is one), so these
// are dropped in .js/.mjs/.cjs files; every other strict check, and every
// mismatch with the package's types, still counts. TypeScript keeps them all.
const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7010, 7011, 7019, 7022, 7023, 7024, 7031, 7034]);

// import/export statements (not `import(`), the marks of an ES module.
const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)/mu;

/**
 * The name the checker sees, so that TypeScript (module nodenext, a folder
 * whose package.json has no "type") gives it the format Node gives it:
 * a fragment is an ES module (.mts / .mjs) unless it is JS that uses require();
 * a program keeps its name, except that a .js / .ts file with import/export
 * syntax becomes .mjs / .mts (Node detects the syntax; TypeScript does not).
 */
export function checkedName(block: DocBlock): string {
  const esm = ESM_SYNTAX.test(block.body);
  if (markOf(block)?.kinds.includes('typecheck') || block.fileName === undefined) {
    if (isTypeScript(block)) return 'fragment.mts';
    return !esm && /\brequire\s*\(/u.test(block.body) ? 'fragment.cjs' : 'fragment.mjs';
  }
  const name = block.fileName;
  if (esm && /\.js$/u.test(name)) return name.replace(/\.js$/u, '.mjs');
  if (esm && /\.ts$/u.test(name)) return name.replace(/\.ts$/u, '.mts');
  return name;
}

/** A fresh folder in which `import 'servicehost'` resolves to `repoRoot` as an installed package. */
export function scratchWithPackage(label: string, repoRoot: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `servicehost-${label}-`));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repoRoot, path.join(dir, 'node_modules', 'servicehost'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `docs-${label}`, private: true }, null, 2)}\n`);
  return dir;
}

/**
 * Checks `blocks` (typecheck fragments and named run/service/windows-service
 * programs) together. Fragments see PRELUDE; a complete program that leans
 * on it (uses `service` or `server` without declaring them) is an error, since
 * it would not run.
 */
export function typecheckBlocks(blocks: readonly DocBlock[], repoRoot: string): TypecheckResult {
  const scratch = scratchWithPackage('docs-typecheck', repoRoot);
  try {
    return typecheckIn(scratch, blocks, repoRoot);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function typecheckIn(scratch: string, blocks: readonly DocBlock[], repoRoot: string): TypecheckResult {
  const prelude = path.join(scratch, 'prelude.d.ts');
  writeFileSync(prelude, `${PRELUDE}\n`);
  const byFile = new Map<string, DocBlock>();
  blocks.forEach((block, index) => {
    const folder = path.join(scratch, 'blocks', `${index}-${path.basename(block.file, '.md')}-${block.line}`);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, checkedName(block));
    writeFileSync(file, block.body);
    byFile.set(file, block);
  });

  const { options, errors: optionErrors } = ts.convertCompilerOptionsFromJson(
    {
      strict: true,
      allowJs: true,
      checkJs: true,
      noEmit: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      moduleDetection: 'force',
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
      // The package's own .d.ts are checked by its build; here they are the contract being used.
      skipLibCheck: true,
    },
    scratch,
  );
  if (optionErrors.length > 0) throw new Error(ts.formatDiagnostics(optionErrors, formatHost(scratch)));
  const program = ts.createProgram({ rootNames: [prelude, ...byFile.keys()], options });

  const errors: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file ? byFile.get(path.resolve(diagnostic.file.fileName)) : undefined;
    if (!diagnostic.file || !block) {
      errors.push(`${diagnostic.file?.fileName ?? '(no file)'}: TS${diagnostic.code}: ${message}`);
      continue;
    }
    if (IMPLICIT_ANY.has(diagnostic.code) && /\.[cm]?js$/u.test(diagnostic.file.fileName)) continue;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors.push(`${block.file}:${block.bodyLine + line}: TS${diagnostic.code}: ${message} (block ${where(block)})${hint(message, diagnostic.file.fileName)}`);
  }

  // A complete program must stand alone: the prelude is for fragments only.
  const checker = program.getTypeChecker();
  for (const [file, block] of byFile) {
    if (markOf(block)?.kinds.includes('typecheck') || block.fileName === undefined) continue;
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
        if (declarations.some((d) => path.resolve(d.getSourceFile().fileName) === prelude)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          errors.push(`${block.file}:${block.bodyLine + line}: \`${node.text}\` is not declared: a complete program cannot use the typecheck prelude (block ${where(block)})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const fragments = [...byFile.values()].filter((block) => markOf(block)?.kinds.includes('typecheck')).length;
  return { errors, fragments, programs: byFile.size - fragments };
}

// The one strict-JS error that every `new Promise((resolve) => server.listen(port, resolve))` meets.
function hint(message: string, file: string): string {
  if (!/\.[cm]?js$/u.test(file) || !/Target signature provides too few arguments|'new Promise\(\)' needs a JSDoc hint/u.test(message)) return '';
  return "\n  hint: a JS Promise's resolve needs an argument; `await once(server.listen(port), 'listening')` (node:events) needs none";
}

function formatHost(cwd: string): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (name) => name, getCurrentDirectory: () => cwd, getNewLine: () => '\n' };
}
