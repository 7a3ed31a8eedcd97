// list()'s name filter, the same on every platform.
import type { ListFilter } from './types';

/** Whether `name` passes `match`: a substring, or a regular expression; no match given passes all. */
export function matchesName(name: string, match: ListFilter['match']): boolean {
  if (match === undefined) return true;
  return typeof match === 'string' ? name.includes(match) : match.test(name);
}
