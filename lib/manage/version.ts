// servicehost's own version, written into every unit and plist it installs so
// that list() and uninstall() recognise their own files.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export function servicehostVersion(): string {
  try {
    // dist/manage/version.js (or lib/manage/version.ts under test) → package.json.
    return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
