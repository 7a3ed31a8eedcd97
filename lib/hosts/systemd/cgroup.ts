// Which unit a process belongs to, as its cgroup says: the reload helper
// signals only a process of its own unit (reload-wait.ts).

/**
 * The cgroups that say which unit a process belongs to, from /proc/<pid>/cgroup:
 * the unified hierarchy's line (0::) and the name=systemd one (cgroup v1 and
 * hybrid), whichever exist, without their hierarchy numbers. Every process of
 * a unit shares them, ExecReload='s own included (servicehost's units
 * delegate nothing, so no process moves to a sub-cgroup).
 */
export function unitCgroups(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.startsWith('0::') || /^[0-9]+:([^:]*,)?name=systemd(,[^:]*)?:/u.test(line))
    .map((line) => line.replace(/^[0-9]+:/u, ''))
    .sort()
    .join('\n');
}
