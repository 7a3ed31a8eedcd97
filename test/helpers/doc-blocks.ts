// The fenced code blocks of README.md and docs/*.md, each with the mark that
// tells the doc tests what to do with it (the convention: the nearest
// non-blank line above an opening fence holds one `<!-- doc-test: ... -->`).
// Shared by the linux ring (run, service, typecheck) and the windows ring
// (windows-service); pure text work, no I/O but reading the files it is given.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const MARK_KINDS = ['run', 'service', 'windows-service', 'typecheck', 'skip'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** One `<!-- doc-test: ... -->` comment, parsed. `problems` is empty when it is valid. */
export interface DocMark {
  /** The text between `doc-test:` and `-->`, trimmed. */
  text: string;
  /** Markdown line (1-based) of the comment. */
  line: number;
  kinds: MarkKind[];
  /** For `skip:`: everything after the colon. */
  skipReason?: string;
  /** `expect-exit=N`: the exit code expected instead of 0. */
  expectExit?: number;
  /** `http=<port>`: a service block's port to probe once READY=1. */
  httpPort?: number;
  /** `path=/x`: the probed path (default `/`). */
  httpPath?: string;
  problems: string[];
}

export interface DocBlock {
  /** The Markdown file, as given to the extractor (relative paths stay relative). */
  file: string;
  /** Line (1-based) of the opening fence. */
  line: number;
  /** Line (1-based) of the block's first content line. */
  bodyLine: number;
  /** The whole info string after the fence, trimmed. */
  info: string;
  /** Its first word, lower case ('' when there is none). */
  lang: string;
  /** Its second word: the file the block is written to. */
  fileName?: string;
  /** The content, with the opening fence's indentation removed from each line. */
  body: string;
  /** Every doc-test mark on the non-blank lines directly above the fence (the convention wants exactly one). */
  marks: DocMark[];
  /** The fence was never closed: the block ran to the end of the file. */
  unclosed: boolean;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/u;
const MARK = /<!--\s*doc-test\s*:(.*?)-->/gu;
// A line that tries to be a mark but is not one (`<!-- doc-test run -->`), so the failure says so.
const MARK_LIKE = /<!--\s*doc-test\b/u;

/** `file:line` of a block, the form every failure message uses. */
export function where(block: Pick<DocBlock, 'file' | 'line'>): string {
  return `${block.file}:${block.line}`;
}

export function parseMark(text: string, line: number): DocMark {
  const mark: DocMark = { text: text.trim(), line, kinds: [], problems: [] };
  const skip = /^skip\s*:(.*)$/su.exec(mark.text);
  if (skip) {
    mark.kinds.push('skip');
    mark.skipReason = skip[1]!.trim();
    if (mark.skipReason === '') mark.problems.push('skip: needs a reason');
    return mark;
  }
  if (mark.text === '') mark.problems.push('an empty mark');
  for (const token of mark.text.split(/\s+/u).filter((t) => t !== '')) {
    const option = /^([a-z-]+)=(.*)$/u.exec(token);
    if (option) {
      const [, key, value] = option as unknown as [string, string, string];
      if (key === 'expect-exit' && /^\d{1,3}$/u.test(value) && Number(value) <= 255) mark.expectExit = Number(value);
      else if (key === 'http' && /^\d{1,5}$/u.test(value) && Number(value) > 0 && Number(value) < 65536) mark.httpPort = Number(value);
      else if (key === 'path' && value.startsWith('/')) mark.httpPath = value;
      else mark.problems.push(`bad option ${token}`);
      continue;
    }
    if (token === 'skip') mark.problems.push('skip needs a colon and a reason: `skip: <reason>`');
    else if ((MARK_KINDS as readonly string[]).includes(token) && !mark.kinds.includes(token as MarkKind)) mark.kinds.push(token as MarkKind);
    else mark.problems.push(`unknown word ${JSON.stringify(token)}`);
  }
  const kinds = [...mark.kinds].sort().join(' ');
  // The convention's combinations: one kind, or a service that is also a Windows service.
  if (mark.kinds.length > 1 && kinds !== 'service windows-service') mark.problems.push(`cannot combine ${mark.kinds.join(' and ')}`);
  if (mark.kinds.length === 0 && mark.text !== '') mark.problems.push('names no kind (run, service, windows-service, typecheck, skip:)');
  if ((mark.httpPort !== undefined || mark.httpPath !== undefined) && !mark.kinds.includes('service')) mark.problems.push('http= and path= belong to a service mark');
  if (mark.httpPath !== undefined && mark.httpPort === undefined) mark.problems.push('path= without http=');
  if (mark.expectExit !== undefined && mark.kinds.includes('typecheck')) mark.problems.push('expect-exit= on a typecheck mark');
  return mark;
}

/** Every fenced block of one Markdown text. */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n').map((line) => line.replace(/\r$/u, ''));
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, rest] = open as unknown as [string, string, string, string];
    // A backtick fence's info string holds no backtick (CommonMark): ```js``` inline code is no fence.
    if (fence[0] === '`' && rest.includes('`')) continue;
    const info = rest.trim();
    const words = info.split(/\s+/u).filter((w) => w !== '');
    const body: string[] = [];
    let j = i + 1;
    let unclosed = true;
    for (; j < lines.length; j++) {
      const close = /^ *(`{3,}|~{3,}) *$/u.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) {
        unclosed = false;
        break;
      }
      // Content loses as much leading space as the opening fence had, no more.
      body.push(lines[j]!.replace(new RegExp(`^ {0,${indent.length}}`, 'u'), ''));
    }
    const block: DocBlock = {
      file,
      line: i + 1,
      bodyLine: i + 2,
      info,
      lang: (words[0] ?? '').toLowerCase(),
      body: body.length === 0 ? '' : `${body.join('\n')}\n`,
      marks: marksAbove(lines, i),
      unclosed,
    };
    if (words[1] !== undefined) block.fileName = words[1];
    blocks.push(block);
    i = j;
  }
  return blocks;
}

// The doc-test comments on the lines directly above line `fence` (0-based),
// blank lines skipped: the nearest non-blank line, and any more mark-only
// lines above it, so that two marks are seen as two.
function marksAbove(lines: string[], fence: number): DocMark[] {
  const marks: DocMark[] = [];
  for (let k = fence - 1; k >= 0; k--) {
    const text = lines[k]!.trim();
    if (text === '') continue;
    const found = [...text.matchAll(MARK)];
    const leftover = text.replace(MARK, '').trim();
    if (found.length === 0) {
      if (MARK_LIKE.test(text) && marks.length === 0) {
        marks.push({ text, line: k + 1, kinds: [], problems: ['not a mark: write `<!-- doc-test: <kind> -->`'] });
      }
      break;
    }
    marks.unshift(...found.map((match) => parseMark(match[1]!, k + 1)));
    if (leftover !== '') break; // text beside the mark: nothing above belongs to this block
  }
  return marks;
}

/** The files the convention covers: README.md, then docs/*.md, sorted; paths relative to `root`. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => `docs/${entry.name}`)
    .sort();
  return ['README.md', ...docs];
}

/**
 * The files to test: SERVICEHOST_DOC_FILES (comma-separated, relative to `root`)
 * when set, to run one page while writing it; otherwise docFiles(root).
 */
export function selectedDocFiles(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env.SERVICEHOST_DOC_FILES?.split(',').map((file) => file.trim()).filter((file) => file !== '');
  return chosen && chosen.length > 0 ? chosen : docFiles(root);
}

/** Every block of the given Markdown files (paths relative to `root`, or absolute). */
export function extractDocBlocks(files: readonly string[], root: string): DocBlock[] {
  return files.flatMap((file) => extractBlocks(readFileSync(path.resolve(root, file), 'utf8'), file));
}

/** The single valid mark of a block, or undefined when it has none, two, or a bad one. */
export function markOf(block: DocBlock): DocMark | undefined {
  return block.marks.length === 1 && block.marks[0]!.problems.length === 0 ? block.marks[0] : undefined;
}

/** What is wrong with a block's mark and info string; empty when the doc tests can use it. */
export function markProblems(block: DocBlock): string[] {
  const problems: string[] = [];
  if (block.unclosed) problems.push('the fence is never closed');
  if (block.marks.length === 0) problems.push('no <!-- doc-test: ... --> mark on the line above');
  if (block.marks.length > 1) problems.push(`${block.marks.length} marks (lines ${block.marks.map((m) => m.line).join(', ')}); exactly one is allowed`);
  for (const mark of block.marks) problems.push(...mark.problems.map((p) => `mark "${mark.text}": ${p}`));
  const mark = markOf(block);
  if (mark && !mark.kinds.includes('skip')) {
    if (!mark.kinds.includes('typecheck') && block.fileName === undefined) problems.push(`a ${mark.kinds.join(' ')} block needs a file name in its info string (\`\`\`js app.js)`);
    if (block.fileName !== undefined && !/^[\w.-]+$/u.test(block.fileName)) problems.push(`file name ${JSON.stringify(block.fileName)} is not a plain file name`);
    if (!isScript(block)) problems.push(`a ${mark.kinds.join(' ')} block must be JavaScript or TypeScript, not ${JSON.stringify(block.lang || '(no language)')}`);
  }
  return problems;
}

const SCRIPT_LANGS = new Set(['js', 'javascript', 'mjs', 'cjs', 'ts', 'typescript', 'mts', 'cts']);

export function isScript(block: Pick<DocBlock, 'lang'>): boolean {
  return SCRIPT_LANGS.has(block.lang);
}

export function isTypeScript(block: Pick<DocBlock, 'lang' | 'fileName'>): boolean {
  if (block.fileName !== undefined) return /\.[cm]?ts$/u.test(block.fileName);
  return ['ts', 'typescript', 'mts', 'cts'].includes(block.lang);
}

/** `N blocks: a run, b service, c windows-service, d typecheck, e skipped`, then each skip reason. */
export function summarize(blocks: readonly DocBlock[]): string {
  const count = (kind: MarkKind) => blocks.filter((block) => markOf(block)?.kinds.includes(kind)).length;
  const unmarked = blocks.filter((block) => markOf(block) === undefined).length;
  const head =
    `${blocks.length} blocks: ${count('run')} run, ${count('service')} service, ${count('windows-service')} windows-service, ` +
    `${count('typecheck')} typecheck, ${count('skip')} skipped` +
    (unmarked > 0 ? `, ${unmarked} without a valid mark` : '');
  const reasons = blocks.flatMap((block) => {
    const mark = markOf(block);
    return mark?.skipReason === undefined ? [] : [`  skip ${where(block)}: ${mark.skipReason}`];
  });
  return [head, ...reasons].join('\n');
}
