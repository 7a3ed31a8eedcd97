// Unit files and plists are written whole, then renamed into place, so the
// service manager never reads half a file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { translateSystemError } from './errors';

export function writeFileAtomically(file: string, text: string, service: string, doing: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, text, { mode: 0o644 });
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    rmSync(`${file}.tmp`, { force: true });
    throw translateSystemError(error, service, doing);
  }
}
