// The check before every boot of the live-systemd guest: systemd must never
// boot against this machine's own root (it would empty /tmp at once), nor a
// root the harness did not finish building.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT_MARKER, assertBootableRoot, markerText } from '../../scripts/systemd-live.mjs';

function cache(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'servicehost-root-guard-'));
}

function builtRoot(cacheDir: string, name = 'root'): string {
  const root = path.join(cacheDir, name);
  mkdirSync(root);
  writeFileSync(path.join(root, ROOT_MARKER), markerText(['systemd']));
  return root;
}

describe('assertBootableRoot', () => {
  test('accepts a root the harness built inside its cache, and returns it resolved', () => {
    const dir = cache();
    const root = builtRoot(dir);
    expect(assertBootableRoot(path.join(dir, '.', 'root'), dir)).toBe(root);
  });

  test('refuses / itself, even when / holds a marker-shaped cache around it', () => {
    expect(() => assertBootableRoot('/', '/')).toThrow(/resolves to \//u);
    expect(() => assertBootableRoot('/', cache())).toThrow(/resolves to \//u);
  });

  test('refuses a path that resolves to / through a symlink or ..', () => {
    const dir = cache();
    symlinkSync('/', path.join(dir, 'root'));
    expect(() => assertBootableRoot(path.join(dir, 'root'), dir)).toThrow(/resolves to \//u);
    expect(() => assertBootableRoot(path.join(dir, '..', '..', '..', '..', '..', '..'), dir)).toThrow(/resolves to \//u);
  });

  test('refuses a root outside the cache, marker or not', () => {
    const dir = cache();
    const elsewhere = builtRoot(cache());
    expect(() => assertBootableRoot(elsewhere, dir)).toThrow(/outside the harness's cache/u);
    symlinkSync(elsewhere, path.join(dir, 'link'));
    expect(() => assertBootableRoot(path.join(dir, 'link'), dir)).toThrow(/outside the harness's cache/u);
    // The cache itself is not a root inside it.
    expect(() => assertBootableRoot(dir, dir)).toThrow(/outside the harness's cache/u);
  });

  test('refuses a half-made root: no marker, a marker of another making, or a marker that is a symlink', () => {
    const dir = cache();
    const bare = path.join(dir, 'bare');
    mkdirSync(bare);
    expect(() => assertBootableRoot(bare, dir)).toThrow(/no marker/u);

    const foreign = path.join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, ROOT_MARKER), '{"harness":"someone else"}\n');
    expect(() => assertBootableRoot(foreign, dir)).toThrow(/no marker/u);

    const garbled = path.join(dir, 'garbled');
    mkdirSync(garbled);
    writeFileSync(path.join(garbled, ROOT_MARKER), 'not json');
    expect(() => assertBootableRoot(garbled, dir)).toThrow(/no marker/u);

    const real = builtRoot(dir, 'real');
    const linked = path.join(dir, 'linked');
    mkdirSync(linked);
    symlinkSync(path.join(real, ROOT_MARKER), path.join(linked, ROOT_MARKER));
    expect(() => assertBootableRoot(linked, dir)).toThrow(/no marker/u);
  });

  test('refuses what does not exist or is not a folder', () => {
    const dir = cache();
    expect(() => assertBootableRoot(path.join(dir, 'missing'), dir)).toThrow(/does not exist/u);
    writeFileSync(path.join(dir, 'file'), '');
    expect(() => assertBootableRoot(path.join(dir, 'file'), dir)).toThrow(/not a folder/u);
  });
});
