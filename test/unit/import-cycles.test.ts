// lib/ depends one way: dependency-cruiser, with the rules in
// .dependency-cruiser.cjs, finds every import cycle among lib/ files, type-only
// imports and lazy require() calls included, and any it finds fails here with
// its path. The one known exception is named in the config.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.join(__dirname, '..', '..');
const cruiserDir = path.join(root, 'node_modules', 'dependency-cruiser');

interface CycleViolation {
  type: string;
  from: string;
  cycle?: { name: string }[];
  rule: { name: string };
}

test('no import cycle among lib/ files, type-only imports included', () => {
  const bin = (JSON.parse(readFileSync(path.join(cruiserDir, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.depcruise!;
  const run = spawnSync(process.execPath, [path.join(cruiserDir, bin), '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'lib'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // No JSON at all: the cruise itself failed (a bad config, say); its own words say why.
  expect(run.stdout.trim(), `dependency-cruiser failed (exit ${run.status}): ${run.stderr}`).not.toBe('');
  const result = JSON.parse(run.stdout) as { summary: { violations: CycleViolation[]; totalCruised: number } };
  const cycles = result.summary.violations.map((violation) =>
    `${violation.rule.name}: ${[violation.from, ...(violation.cycle ?? []).map((step) => step.name)].join(' -> ')}`,
  );
  expect(cycles, cycles.join('\n')).toEqual([]);
  expect(run.status, run.stderr).toBe(0);
  // It did look: lib/ has about 120 files.
  expect(result.summary.totalCruised).toBeGreaterThan(50);
}, 120_000);
