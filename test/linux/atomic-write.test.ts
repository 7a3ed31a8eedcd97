// The writer of unit files and plists against a folder someone else prepared:
// a symlink or a planted file at the old fixed temporary name is never
// followed or reused, and a folder others may write to is refused.
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeFileAtomically } from '../../lib/manage/files';

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-write-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe.runIf(process.platform !== 'win32')('writeFileAtomically', () => {
  test('a symlink planted at <file>.tmp is not followed: its target keeps its content, the file is a regular file', () => {
    const dir = folder();
    const secret = path.join(dir, 'secret');
    writeFileSync(secret, 'do not touch', { mode: 0o600 });
    symlinkSync(secret, path.join(dir, 'svc.service.tmp'));
    writeFileAtomically(path.join(dir, 'svc.service'), '[Unit]\n', 'svc', 'install');
    expect(readFileSync(secret, 'utf8')).toBe('do not touch');
    expect(lstatSync(path.join(dir, 'svc.service')).isFile()).toBe(true);
    expect(readFileSync(path.join(dir, 'svc.service'), 'utf8')).toBe('[Unit]\n');
  });

  test.runIf(process.getuid?.() === 0)('a file planted at <file>.tmp by another user, mode 666, does not become the file', () => {
    const dir = folder();
    const planted = path.join(dir, 'svc.service.tmp');
    writeFileSync(planted, 'planted', { mode: 0o666 });
    chownSync(planted, 65534, 65534);
    writeFileAtomically(path.join(dir, 'svc.service'), '[Unit]\n', 'svc', 'install');
    const written = statSync(path.join(dir, 'svc.service'));
    expect({ uid: written.uid, mode: written.mode & 0o777 }).toEqual({ uid: 0, mode: 0o644 });
    expect(readFileSync(planted, 'utf8')).toBe('planted');
  });

  test('a folder writable by others, or owned by another user, is refused, and nothing is written', () => {
    const open = folder();
    chmodSync(open, 0o777);
    expect(() => writeFileAtomically(path.join(open, 'svc.service'), 'x', 'svc', 'install')).toThrow(
      expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSAFE_PATH', message: expect.stringMatching(/writable by everyone/u) }),
    );
    const group = folder();
    chmodSync(group, 0o775);
    expect(() => writeFileAtomically(path.join(group, 'svc.service'), 'x', 'svc', 'install')).toThrow(/writable by its group/u);
    if (process.getuid?.() === 0) {
      const foreign = folder();
      chownSync(foreign, 65534, 65534);
      expect(() => writeFileAtomically(path.join(foreign, 'svc.service'), 'x', 'svc', 'install')).toThrow(/owned by uid 65534/u);
    }
  });
});
