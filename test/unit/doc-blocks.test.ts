// The doc-test block extractor on inline Markdown: fences, info strings, list
// indentation, and the marks above each block (none, one, two, bad ones).
import { describe, expect, test } from 'vitest';
import { afterBlock, commentStart, extractBlocks, markOf, markProblems, parseMark, selectedDocFiles, shellLines, summarize } from '../helpers/doc-blocks';
import { checkedName } from '../helpers/doc-typecheck';

const md = (lines: string[]) => lines.join('\n');

describe('extractBlocks', () => {
  test('``` and ~~~ fences, any language, with file, line, info string and body', () => {
    const blocks = extractBlocks(
      md([
        '# Title', //                              1
        '', //                                     2
        '<!-- doc-test: run -->', //               3
        '```js app.js', //                         4
        "console.log('hi');", //                   5
        '```', //                                  6
        'Text.', //                                7
        '<!-- doc-test: skip: output sample -->', // 8
        '~~~~', //                                 9
        '```not a fence inside a tilde block', // 10
        '~~~~', //                                11
        '<!-- doc-test: typecheck -->', //        12
        '```TypeScript', //                       13
        '```', //                                 14
      ]),
      'README.md',
    );
    expect(blocks.map((b) => [b.line, b.bodyLine, b.info, b.lang, b.fileName ?? null])).toEqual([
      [4, 5, 'js app.js', 'js', 'app.js'],
      [9, 10, '', '', null],
      [13, 14, 'TypeScript', 'typescript', null],
    ]);
    expect(blocks[0]!.body).toBe("console.log('hi');\n");
    expect(blocks[1]!.body).toBe('```not a fence inside a tilde block\n');
    expect(blocks[2]!.body).toBe('');
    expect(blocks.map((b) => markOf(b)?.kinds)).toEqual([['run'], ['skip'], ['typecheck']]);
    expect(markOf(blocks[1]!)!.skipReason).toBe('output sample');
    expect(blocks.every((b) => b.file === 'README.md' && !b.unclosed)).toBe(true);
  });

  test('a block nested in a list loses its fence indentation; a longer closing fence closes; CRLF is read', () => {
    const blocks = extractBlocks(
      md([
        '1. Install:', //                              1
        '', //                                         2
        '   <!-- doc-test: service http=3000 path=/healthz -->', // 3
        '   ````js server.js', //                      4
        '   const a = 1;', //                          5
        '     nested();', //                           6
        '   ```', //                                   7  (shorter: content)
        '   `````', //                                 8
      ]).replaceAll('\n', '\r\n'),
      'docs/x.md',
    );
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.body).toBe('const a = 1;\n  nested();\n```\n');
    expect(blocks[0]!.fileName).toBe('server.js');
    const mark = markOf(blocks[0]!)!;
    expect(mark).toMatchObject({ kinds: ['service'], httpPort: 3000, httpPath: '/healthz', line: 3 });
    expect(markProblems(blocks[0]!)).toEqual([]);
  });

  test('a block with no mark, one with two marks (one line or two), a malformed mark, and an unclosed fence fail', () => {
    const blocks = extractBlocks(
      md([
        'Some text right above.', //                                 1
        '```sh', //                                                  2
        'npm install servicehost', //                                3
        '```', //                                                    4
        '<!-- doc-test: run --> <!-- doc-test: skip: twice -->', //  5
        '```js a.js', //                                             6
        '```', //                                                    7
        '<!-- doc-test: typecheck -->', //                           8
        '', //                                                       9
        '<!-- doc-test: skip: again -->', //                        10
        '', //                                                      11
        '```js', //                                                 12
        '```', //                                                   13
        '<!-- doc-test run -->', //                                 14
        '```js', //                                                 15
        '```', //                                                   16
        '<!-- doc-test: skip: never closed -->', //                 17
        '```js', //                                                 18
        'x', //                                                     19
      ]),
      'README.md',
    );
    expect(blocks.map((b) => b.line)).toEqual([2, 6, 12, 15, 18]);
    expect(blocks.map((b) => b.marks.length)).toEqual([0, 2, 2, 1, 1]);
    expect(blocks.map((b) => markOf(b) === undefined)).toEqual([true, true, true, true, false]);
    expect(markProblems(blocks[0]!)).toEqual(['no <!-- doc-test: ... --> mark on the line above']);
    expect(markProblems(blocks[1]!)).toEqual(['2 marks (lines 5, 5); exactly one is allowed']);
    expect(markProblems(blocks[2]!)).toEqual(['2 marks (lines 8, 10); exactly one is allowed']);
    expect(markProblems(blocks[3]!)[0]).toMatch(/not a mark/u);
    expect(markProblems(blocks[4]!)).toEqual(['the fence is never closed']);
    expect(blocks[4]!.body).toBe('x\n');
  });

  test('a mark is only the one right above: text between the mark and the fence hides it', () => {
    const blocks = extractBlocks(md(['<!-- doc-test: run -->', 'A sentence.', '```js a.js', '```']), 'a.md');
    expect(blocks[0]!.marks).toEqual([]);
  });

  test('inline code with backticks after the fence is not a block', () => {
    expect(extractBlocks(md(['```js``` is inline', 'text']), 'a.md')).toEqual([]);
  });
});

describe('parseMark and markProblems', () => {
  test.each([
    ['run', { kinds: ['run'] }],
    ['run expect-exit=3', { kinds: ['run'], expectExit: 3 }],
    ['service windows-service', { kinds: ['service', 'windows-service'] }],
    ['windows-service expect-exit=42', { kinds: ['windows-service'], expectExit: 42 }],
    ['skip: shell lines for Windows PowerShell', { kinds: ['skip'], skipReason: 'shell lines for Windows PowerShell' }],
    ['systemd-live', { kinds: ['systemd-live'] }],
    ['systemd-live after=server.mjs', { kinds: ['systemd-live'], after: 'server.mjs' }],
  ])('%s is valid', (text, expected) => {
    const mark = parseMark(text, 1);
    expect(mark.problems).toEqual([]);
    expect(mark).toMatchObject(expected);
  });

  test.each([
    ['skip:', /needs a reason/u],
    ['skip', /colon and a reason/u],
    ['', /empty/u],
    ['runs', /unknown word/u],
    ['run typecheck', /cannot combine/u],
    ['typecheck http=80', /belong to a service/u],
    ['service path=/x', /path= without http=/u],
    ['run expect-exit=-1', /bad option/u],
    ['service http=99999', /bad option/u],
    ['systemd-live service', /cannot combine/u],
    ['run after=a.js', /after= belongs to a systemd-live mark/u],
    ['systemd-live after=../a.js', /bad option/u],
    ['systemd-live expect-exit=1', /expect-exit= on a systemd-live mark/u],
    ['systemd-live http=3000', /belong to a service/u],
  ])('%j is refused', (text, problem) => {
    expect(parseMark(text, 1).problems.join('; ')).toMatch(problem);
  });

  test('run, service and windows-service need a plain file name and a script language; typecheck and skip do not', () => {
    const [run, typecheck, service, skip, sh] = extractBlocks(
      md([
        '<!-- doc-test: run -->', '```js', '```',
        '<!-- doc-test: typecheck -->', '```ts', '```',
        '<!-- doc-test: windows-service -->', '```js ../evil.js', '```',
        '<!-- doc-test: skip: a shell line -->', '```sh', '```',
        '<!-- doc-test: run -->', '```sh run.sh', '```',
      ]),
      'a.md',
    );
    expect(markProblems(run!)).toEqual(['a run block needs a file name in its info string (```js app.js)']);
    expect(markProblems(typecheck!)).toEqual([]);
    expect(markProblems(service!)).toEqual(['file name "../evil.js" is not a plain file name']);
    expect(markProblems(skip!)).toEqual([]);
    expect(markProblems(sh!)).toEqual(['a run block must be JavaScript or TypeScript, not "sh"']);
  });

  test('the summary counts each kind and lists each skip reason', () => {
    const blocks = extractBlocks(
      md([
        '<!-- doc-test: service windows-service -->', '```js s.js', '```',
        '<!-- doc-test: skip: output sample -->', '```', '```',
        '```js', '```',
      ]),
      'b.md',
    );
    expect(summarize(blocks)).toBe(
      '3 blocks: 0 run, 1 service, 1 windows-service, 0 typecheck, 0 systemd-live, 1 skipped, 1 without a valid mark\n  skip b.md:5: output sample',
    );
  });
});

describe('systemd-live blocks: shell lines and what their comments expect', () => {
  const quickStart = md([
    '<!-- doc-test: service http=3000 -->', //                                              1
    '```js server.mjs', //                                                                  2
    '```', //                                                                               3
    '<!-- doc-test: systemd-live after=server.mjs -->', //                                  4
    '```sh', //                                                                             5
    'node server.mjs                 # Ctrl-C: the drain runs, exit code 0', //             6
    '', //                                                                                  7
    '# a note of its own', //                                                               8
    'npx servicehost install --user --name hello -- server.mjs', //                         9
    'curl localhost:3000/readyz      # {"status":"ok","state":"running"}', //              10
    "echo '# not a comment' a#b      # exit code 3", //                                    11
    '```', //                                                                              12
  ]);

  test('after= finds the earlier block; each command line keeps its line number, command and expectation', () => {
    const [server, live] = extractBlocks(quickStart, 'README.md');
    expect(markProblems(live!)).toEqual([]);
    expect(afterBlock([server!, live!], 'server.mjs', live)).toBe(server);
    expect(shellLines(live!)).toEqual([
      { line: 6, command: 'node server.mjs', comment: 'Ctrl-C: the drain runs, exit code 0', expect: { ctrlC: true, drain: true, exitCode: 0 }, problems: [] },
      { line: 9, command: 'npx servicehost install --user --name hello -- server.mjs', expect: { ctrlC: false, drain: false }, problems: [] },
      { line: 10, command: 'curl localhost:3000/readyz', comment: '{"status":"ok","state":"running"}', expect: { ctrlC: false, drain: false, json: { status: 'ok', state: 'running' } }, problems: [] },
      { line: 11, command: "echo '# not a comment' a#b", comment: 'exit code 3', expect: { ctrlC: false, drain: false, exitCode: 3 }, problems: [] },
    ]);
    expect(summarize([server!, live!])).toBe('2 blocks: 0 run, 1 service, 0 windows-service, 0 typecheck, 1 systemd-live, 0 skipped');
  });

  test('a # inside quotes or a word starts no comment', () => {
    expect(commentStart('a "b # c" d')).toBe(-1);
    expect(commentStart("a 'b # c' # d")).toBe(10);
    expect(commentStart('a#b')).toBe(-1);
    expect(commentStart('# all')).toBe(0);
  });

  test('after= naming no earlier block, a JS block, a file name, and comments it cannot check are refused', () => {
    const blocks = extractBlocks(
      md([
        '<!-- doc-test: systemd-live after=server.mjs -->', '```sh', 'true', '```',
        '<!-- doc-test: run -->', '```js server.mjs', '```',
        '<!-- doc-test: systemd-live -->', '```js x.js', 'true', '```',
        '<!-- doc-test: systemd-live -->', '```sh', 'a   # works nicely', 'b   # {"status":', 'c \\', '```',
        '<!-- doc-test: systemd-live -->', '```sh', '# only a comment', '```',
      ]),
      'a.md',
    );
    expect(markProblems(blocks[0]!)).toEqual(['mark "systemd-live after=server.mjs": after=server.mjs names no earlier block of this file']);
    expect(markProblems(blocks[2]!)).toEqual(['a systemd-live block holds shell lines (```sh), not "js"', 'a systemd-live block names no file: its lines run in the app folder']);
    expect(markProblems(blocks[3]!)).toEqual([
      'line 14: the comment "works nicely" states nothing the test checks (Ctrl-C, the drain, exit code N, a JSON body)',
      'line 15: the comment\'s {"status": is not JSON',
      'line 16: a continued line (\\ at its end): write each command on one line',
    ]);
    expect(markProblems(blocks[4]!)).toEqual(['a systemd-live block with no command line']);
  });
});

describe('the files and the names the checks use', () => {
  test('SERVICEHOST_DOC_FILES picks the pages; otherwise README.md, then docs/*.md', () => {
    expect(selectedDocFiles('/nowhere', { SERVICEHOST_DOC_FILES: 'docs/a.md, README.md' })).toEqual(['docs/a.md', 'README.md']);
  });

  test('the type checker sees each block in the module format Node gives it', () => {
    const names = extractBlocks(
      md([
        '<!-- doc-test: typecheck -->', '```ts', 'service.status("x");', '```',
        '<!-- doc-test: typecheck -->', '```js', "const { Service } = require('servicehost');", '```',
        '<!-- doc-test: typecheck -->', '```js', "import { Service } from 'servicehost';", '```',
        '<!-- doc-test: run -->', '```js worker.js', "const { Service } = require('servicehost');", '```',
        '<!-- doc-test: run -->', '```js server.js', "import http from 'node:http';", '```',
        '<!-- doc-test: windows-service -->', '```js app.cjs', "import('servicehost');", '```',
      ]),
      'a.md',
    ).map(checkedName);
    expect(names).toEqual(['fragment.mts', 'fragment.cjs', 'fragment.mjs', 'worker.js', 'server.mjs', 'app.cjs']);
  });
});
