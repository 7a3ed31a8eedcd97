// A bounded walk of folder trees, breadth first, for the least-privilege
// check on every platform. The caller's `visit` says, for each entry (lstat'ed),
// whether to go below it; the walk keeps count, depth and time, enters each
// real folder once (links and junctions cannot loop it), and returns what it
// did not reach as warnings, never as "safe".
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import * as path from 'node:path';

export interface WalkBounds {
  /** Entries looked at, across all trees. */
  maxEntries: number;
  /** Folders below a tree's top. */
  maxDepth: number;
  /** Milliseconds for the whole walk. */
  maxMs: number;
}

export const DEFAULT_BOUNDS: WalkBounds = { maxEntries: 50_000, maxDepth: 32, maxMs: 10_000 };

function formatList(folders: readonly string[]): string {
  const shown = folders.slice(0, 5).join(', ');
  return folders.length > 5 ? `${shown} and ${folders.length - 5} more` : shown;
}

/**
 * Walks below each of `tops`; `visit` returns true to go below an entry (a
 * folder, or a link to one). Returns the warnings. `realpath`, when given,
 * says where a folder really is (an offline root's links lead inside it), and
 * the entries below are named from there.
 */
export function walkTrees(tops: readonly string[], visit: (entry: string, stat: Stats) => boolean, bounds: WalkBounds = DEFAULT_BOUNDS, now: () => number = Date.now, realpath?: (folder: string) => string | undefined): string[] {
  const warnings: string[] = [];
  const deadline = now() + bounds.maxMs;
  const walked = new Set<string>();
  const queue: Array<{ folder: string; depth: number }> = [];
  const tooDeep: string[] = [];
  const enqueue = (folder: string, depth: number) => {
    let real: string | undefined;
    try {
      real = realpath === undefined ? realpathSync(folder) : realpath(folder);
    } catch {
      return;
    }
    if (real === undefined || walked.has(real)) return;
    walked.add(real);
    const shown = realpath === undefined ? folder : real;
    if (depth > bounds.maxDepth) tooDeep.push(shown);
    else queue.push({ folder: shown, depth });
  };
  for (const top of tops) enqueue(top, 0);
  let seen = 0;
  let stopped: string | undefined;
  while (queue.length > 0) {
    if (seen >= bounds.maxEntries) stopped = `after ${seen} entries`;
    else if (now() > deadline) stopped = `after ${bounds.maxMs} ms`;
    if (stopped !== undefined) break;
    const { folder, depth } = queue.shift()!;
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      warnings.push(`${folder} could not be listed (${(error as NodeJS.ErrnoException).code}): what is in it was not checked`);
      continue;
    }
    for (const name of names) {
      const entry = path.join(folder, name);
      seen++;
      let stat: Stats;
      try {
        stat = lstatSync(entry);
      } catch {
        continue;
      }
      if (visit(entry, stat)) enqueue(entry, depth + 1);
    }
  }
  if (stopped !== undefined) warnings.push(`the least-privilege walk stopped ${stopped} (its bound): not checked below ${formatList(queue.map((item) => item.folder))}`);
  if (tooDeep.length > 0) warnings.push(`the least-privilege walk goes ${bounds.maxDepth} folders deep: not checked below ${formatList(tooDeep)}`);
  return warnings;
}

/** Whether a link leads to a folder (a dangling one does not). */
export function linksToFolder(entry: string): boolean {
  try {
    return lstatSync(realpathSync(entry)).isDirectory();
  } catch {
    return false;
  }
}
