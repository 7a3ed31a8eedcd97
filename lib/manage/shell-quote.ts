// argv as one line for a POSIX shell: what `servicehost status` prints, so a
// person can paste it. Plain words stay as they are; the rest go in single
// quotes, with each ' written as '\''.

export function posixCommandLine(argv: readonly string[]): string {
  return argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/u.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)).join(' ');
}
