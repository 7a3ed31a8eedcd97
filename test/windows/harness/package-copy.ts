// A copy of the built package in a folder of its own, as npm would install
// it: for tests that need two copies in one process (a global CLI and the
// app's own) or that run docs examples against `require('servicehost')`.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../scripts/windows-env.mjs';

/** Copies package.json, dist/ and the Windows prebuild into `<project>/node_modules/servicehost`; returns that folder. */
export function installPackageCopy(project: string): string {
  const target = path.join(project, 'node_modules', 'servicehost');
  mkdirSync(target, { recursive: true });
  cpSync(path.join(repoRoot, 'package.json'), path.join(target, 'package.json'));
  cpSync(path.join(repoRoot, 'dist'), path.join(target, 'dist'), { recursive: true });
  cpSync(path.join(repoRoot, 'prebuilds', 'win32-x64'), path.join(target, 'prebuilds', 'win32-x64'), { recursive: true });
  return target;
}
