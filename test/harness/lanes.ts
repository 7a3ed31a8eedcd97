// Rings that run side by side, each a lane: the Windows ring, the two
// live-systemd rings, the compat ring and the unit ring.
//
// The Windows ring has one service manager, and each live-systemd ring one
// guest: in each, files take turns. But the rings share nothing, and most of
// their time is waiting (on Wine's services.exe, on a guest's systemd, on npm
// and qemu), so running them one after another left the 2-core machine mostly
// idle for about 8 minutes. Vitest limits workers per group of projects, not
// per project, so the rings share one group (sequence.groupOrder) and its
// workers, and a ring whose files take turns takes a lock per file: before the
// file's first hook, given back after its last (one-file-at-a-time.ts, those
// rings' setup file). The compat ring's and the unit ring's files take no
// lock: each compat file works in consumer folders of its own, and unit files
// touch nothing outside their own temporary folders.
//
// LaneSequencer spreads each lane's files evenly over the group's queue, the
// Windows ring (the longest lane whose files take turns) first, so a free
// worker mostly finds a file whose lane is free.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { processExists as alive } from '../../lib/process-alive';

const lanesDir = path.resolve(import.meta.dirname, '..', '..', 'build', 'lanes');

/** The sequence.groupOrder of the rings that run as lanes (vitest.config.mts). */
export const LANES_GROUP = 2;

/** The setup file of a lane whose files take turns. */
export const ONE_AT_A_TIME = 'test/harness/one-file-at-a-time.ts';

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const inGroup = sorted.filter((spec) => spec.project.config.sequence.groupOrder === LANES_GROUP);
    const lanes = new Map<string, TestSpecification[]>();
    for (const spec of inGroup) {
      const lane = lanes.get(spec.project.name) ?? [];
      lane.push(spec);
      lanes.set(spec.project.name, lane);
    }
    // Take next from the lane that has given the smallest share of its files so far; on a tie, a lane
    // whose files take turns (the longest path through the group) before one whose files do not, then the longer.
    const takesTurns = (specs: TestSpecification[]): number => (specs[0]!.project.config.setupFiles.some((file) => file.endsWith(ONE_AT_A_TIME)) ? 1 : 0);
    const byLength = [...lanes.entries()].sort(([, a], [, b]) => takesTurns(b) - takesTurns(a) || b.length - a.length);
    lanes.clear();
    for (const [name, specs] of byLength) lanes.set(name, specs);
    const taken = new Map([...lanes.keys()].map((name) => [name, 0]));
    const merged: TestSpecification[] = [];
    while (merged.length < inGroup.length) {
      let next: string | undefined;
      for (const [name, specs] of lanes) {
        const share = taken.get(name)! / specs.length;
        if (taken.get(name)! < specs.length && (next === undefined || share < taken.get(next)! / lanes.get(next)!.length)) next = name;
      }
      merged.push(lanes.get(next!)![taken.get(next!)!]!);
      taken.set(next!, taken.get(next!)! + 1);
    }
    let index = 0;
    return sorted.map((spec) => (spec.project.config.sequence.groupOrder === LANES_GROUP ? merged[index++]! : spec));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const laneLock = (lane: string): string => path.join(lanesDir, `${lane}.lock`);

/**
 * Removes a lock an earlier run left (killed mid-file, its PID perhaps another process's by now);
 * a ring's global setup calls it, before any of its files runs.
 */
export function clearLane(lane: string): void {
  rmSync(laneLock(lane), { recursive: true, force: true });
}

/**
 * Takes the lane's lock: a folder (mkdir is atomic) holding the test worker's
 * PID. A holder that died without giving it back (a worker killed mid-file) is
 * seen by its PID and its lock removed.
 */
export async function takeLane(lane: string): Promise<() => void> {
  const lock = laneLock(lane);
  const pidFile = path.join(lock, 'pid');
  mkdirSync(lanesDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(pidFile, String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) : Number.NaN;
    // A holder that has not written its PID yet is a moment old: wait for it.
    if (Number.isInteger(holder) && !alive(holder)) rmSync(lock, { recursive: true, force: true });
    else await sleep(100);
  }
}
