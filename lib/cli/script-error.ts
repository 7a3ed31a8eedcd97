// What `servicehost run` prints when the script throws while it loads: what
// node itself would print for it (the file:line and the source line with a
// caret, then the error as util.inspect shows it: the stack and its own
// properties), under one line that says the script threw. Node's own print
// comes from the error's private "arrow", which a caller cannot read, so the
// frame is rebuilt from the stack's first frame in a file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

// "    at name (/path/file.js:3:7)" or "    at file:///path/file.mjs:3:7".
const FRAME = /^\s+at (?:.*? \()?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/mu;

/** `file:line`, the source line, and a caret under the column; undefined when the stack names no readable file. */
function codeFrame(stack: string): string | undefined {
  const match = FRAME.exec(stack);
  if (!match) return undefined;
  const [, location, lineText, columnText] = match;
  try {
    const file = location!.startsWith('file://') ? fileURLToPath(location!) : location!;
    const source = readFileSync(file, 'utf8').split(/\r?\n/u)[Number(lineText) - 1];
    if (source === undefined) return undefined;
    return `${location}:${lineText}\n${source}\n${' '.repeat(Math.max(0, Number(columnText) - 1))}^\n`;
  } catch {
    return undefined;
  }
}

/** An ES module's SyntaxError names no place in its stack: `node --check` says where (only the script itself is checked). */
function syntaxFrame(script: string): string | undefined {
  const checked = spawnSync(process.execPath, ['--check', script], { encoding: 'utf8', timeout: 10_000 });
  const place = /^(.*:\d+\n.*\n\s*\^+\n)/u.exec(checked.stderr ?? '');
  return place?.[1];
}

/** The text for a script that threw `error` while `servicehost run` loaded it. */
export function scriptLoadFailure(script: string, error: unknown): string {
  const shown = inspect(error);
  let frame: string | undefined;
  if (error instanceof Error && typeof error.stack === 'string') {
    // A CommonJS SyntaxError's stack already begins with its place (an absolute path and a line), as node prints it.
    const placed = /^(?:file:\/\/)?\/[^\n]*:\d+\n/u.test(error.stack);
    if (!placed) frame = codeFrame(error.stack) ?? (error instanceof SyntaxError ? syntaxFrame(script) : undefined);
  }
  return `${script} failed to load:\n${frame ? `${frame}\n` : ''}${shown}`;
}
