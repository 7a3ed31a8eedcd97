// The fenced code blocks of README.md and docs/*.md, each with the mark that
// tells the doc tests what to do with it (the convention: the nearest
// non-blank line above an opening fence holds one `<!-- doc-test: ... -->`).
// Shared by the linux ring (run, service, typecheck), the windows ring
// (windows-service) and the live-systemd ring (systemd-live: shell lines, each
// with the expectation its `# comment` states); pure text work, no I/O but
// reading the files it is given.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const MARK_KINDS = ['run', 'service', 'windows-service', 'typecheck', 'systemd-live', 'skip'] as const;
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
  /** `after=<file>`: a systemd-live block's app folder holds this earlier block's file. */
  after?: string;
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
      else if (key === 'after' && PLAIN_FILE_NAME.test(value)) mark.after = value;
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
  if (mark.kinds.length === 0 && mark.text !== '') mark.problems.push('names no kind (run, service, windows-service, typecheck, systemd-live, skip:)');
  if ((mark.httpPort !== undefined || mark.httpPath !== undefined) && !mark.kinds.includes('service')) mark.problems.push('http= and path= belong to a service mark');
  if (mark.httpPath !== undefined && mark.httpPort === undefined) mark.problems.push('path= without http=');
  if (mark.expectExit !== undefined && mark.kinds.includes('typecheck')) mark.problems.push('expect-exit= on a typecheck mark');
  // Each shell line states its own exit code in its comment.
  if (mark.expectExit !== undefined && mark.kinds.includes('systemd-live')) mark.problems.push('expect-exit= on a systemd-live mark (a line says "exit code N" in its comment)');
  if (mark.after !== undefined && !mark.kinds.includes('systemd-live')) mark.problems.push('after= belongs to a systemd-live mark');
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
    for (const mark of block.marks) {
      if (mark.after !== undefined && afterBlock(blocks, mark.after) === undefined) mark.problems.push(`after=${mark.after} names no earlier block of this file`);
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/** The block named by a systemd-live mark's `after=`: the nearest earlier block of the same file with that file name. */
export function afterBlock(blocks: readonly DocBlock[], fileName: string, before?: DocBlock): DocBlock | undefined {
  const end = before === undefined ? blocks.length : blocks.indexOf(before);
  return blocks
    .slice(0, end)
    .filter((block) => block.fileName === fileName && (before === undefined || block.file === before.file))
    .at(-1);
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
  if (mark?.kinds.includes('systemd-live')) {
    if (!SHELL_LANGS.has(block.lang)) problems.push(`a systemd-live block holds shell lines (\`\`\`sh), not ${JSON.stringify(block.lang || '(no language)')}`);
    if (block.fileName !== undefined) problems.push('a systemd-live block names no file: its lines run in the app folder');
    const lines = shellLines(block);
    if (lines.length === 0) problems.push('a systemd-live block with no command line');
    for (const line of lines) problems.push(...line.problems.map((p) => `line ${line.line}: ${p}`));
  } else if (mark && !mark.kinds.includes('skip')) {
    if (!mark.kinds.includes('typecheck') && block.fileName === undefined) problems.push(`a ${mark.kinds.join(' ')} block needs a file name in its info string (\`\`\`js app.js)`);
    if (block.fileName !== undefined && !PLAIN_FILE_NAME.test(block.fileName)) problems.push(`file name ${JSON.stringify(block.fileName)} is not a plain file name`);
    if (!isScript(block)) problems.push(`a ${mark.kinds.join(' ')} block must be JavaScript or TypeScript, not ${JSON.stringify(block.lang || '(no language)')}`);
  }
  return problems;
}

const SCRIPT_LANGS = new Set(['js', 'javascript', 'mjs', 'cjs', 'ts', 'typescript', 'mts', 'cts']);
const SHELL_LANGS = new Set(['sh', 'shell', 'bash']);
const PLAIN_FILE_NAME = /^[\w.-]+$/u;

/**
 * What a systemd-live line's `# comment` says the test must see. Only these
 * phrases count, so a comment that states something else is a problem of
 * the block, not an unchecked claim.
 */
export interface LineExpectation {
  /** "Ctrl-C": the line runs in the foreground until the test sends SIGINT. */
  ctrlC: boolean;
  /** "drain": a keep-alive client sees the HTTP drain (every request answered, `Connection: close`, the server closes). */
  drain: boolean;
  /** "exit code N": the line's exit code (after Ctrl-C, the program's); for a stop, the service's too. */
  exitCode?: number;
  /** A JSON object or array: the line's output, parsed, equals it. */
  json?: unknown;
}

export interface ShellLine {
  /** Markdown line (1-based). */
  line: number;
  /** The command, without its comment, trimmed. */
  command: string;
  comment?: string;
  expect: LineExpectation;
  problems: string[];
}

/** Where a shell comment starts: a `#` at the start of a word, outside quotes; -1 when there is none. */
export function commentStart(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/u.test(text[i - 1]!))) return i;
  }
  return -1;
}

export function parseExpectation(comment: string): { expect: LineExpectation; problems: string[] } {
  const expect: LineExpectation = { ctrlC: /\bCtrl-C\b/u.test(comment), drain: /\bdrain\b/u.test(comment) };
  const problems: string[] = [];
  const exit = /\bexit code (\d{1,3})\b/u.exec(comment);
  if (exit) expect.exitCode = Number(exit[1]);
  const json = /[{[].*$/u.exec(comment);
  if (json) {
    try {
      expect.json = JSON.parse(json[0]);
    } catch {
      problems.push(`the comment's ${json[0]} is not JSON`);
    }
  }
  if (!expect.ctrlC && !expect.drain && expect.exitCode === undefined && json === null) {
    problems.push(`the comment ${JSON.stringify(comment)} states nothing the test checks (Ctrl-C, the drain, exit code N, a JSON body)`);
  }
  return { expect, problems };
}

/** A systemd-live block's command lines, in order (blank and comment-only lines left out), each with its expectation. */
export function shellLines(block: Pick<DocBlock, 'body' | 'bodyLine'>): ShellLine[] {
  return block.body.split('\n').flatMap((text, index) => {
    const start = commentStart(text);
    const command = (start === -1 ? text : text.slice(0, start)).trim();
    if (command === '') return [];
    const line: ShellLine = { line: block.bodyLine + index, command, expect: { ctrlC: false, drain: false }, problems: [] };
    if (/\\$/u.test(command)) line.problems.push('a continued line (\\ at its end): write each command on one line');
    if (start !== -1) {
      line.comment = text.slice(start + 1).trim();
      const parsed = parseExpectation(line.comment);
      line.expect = parsed.expect;
      line.problems.push(...parsed.problems);
    }
    return [line];
  });
}

export function isScript(block: Pick<DocBlock, 'lang'>): boolean {
  return SCRIPT_LANGS.has(block.lang);
}

export function isTypeScript(block: Pick<DocBlock, 'lang' | 'fileName'>): boolean {
  if (block.fileName !== undefined) return /\.[cm]?ts$/u.test(block.fileName);
  return ['ts', 'typescript', 'mts', 'cts'].includes(block.lang);
}

/** `N blocks: a run, b service, c windows-service, d typecheck, e systemd-live, f skipped`, then each skip reason. */
export function summarize(blocks: readonly DocBlock[]): string {
  const count = (kind: MarkKind) => blocks.filter((block) => markOf(block)?.kinds.includes(kind)).length;
  const unmarked = blocks.filter((block) => markOf(block) === undefined).length;
  const head =
    `${blocks.length} blocks: ${count('run')} run, ${count('service')} service, ${count('windows-service')} windows-service, ` +
    `${count('typecheck')} typecheck, ${count('systemd-live')} systemd-live, ${count('skip')} skipped` +
    (unmarked > 0 ? `, ${unmarked} without a valid mark` : '');
  const reasons = blocks.flatMap((block) => {
    const mark = markOf(block);
    return mark?.skipReason === undefined ? [] : [`  skip ${where(block)}: ${mark.skipReason}`];
  });
  return [head, ...reasons].join('\n');
}
