// Every code servicehost throws itself is in the troubleshooting guide's table
// of error codes, with its cause and fix, and the table names no code that is gone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { SERVICEHOST_ERROR_CODES } from '../../lib/errors';

const guide = readFileSync(path.join(__dirname, '..', '..', 'docs', 'troubleshooting.md'), 'utf8');
const table = guide.slice(guide.indexOf('## Error codes'));

test('docs/troubleshooting.md lists every code of SERVICEHOST_ERROR_CODES, and only those', () => {
  const listed = new Set([...table.matchAll(/`(ERR_[A-Z0-9_]+)`/gu)].map((match) => match[1]));
  expect(SERVICEHOST_ERROR_CODES.filter((code) => !listed.has(code))).toEqual([]);
  expect([...listed].filter((code) => !(SERVICEHOST_ERROR_CODES as readonly string[]).includes(code!))).toEqual([]);
});
