// Deterministic hostile strings for property tests: the same ones on every
// run (a linear congruential generator from a seed), built from the pieces
// that break quoting: blanks, quotes, backslashes, specifiers, shell and XML
// metacharacters, and non-ASCII up to astral plane emoji.
export const HOSTILE_PIECES = [
  'a', 'Z', '0', ' ', '  ', '\t', '"', '""', '\\', '\\\\', '\\"', '%', '%n', '$', '${HOME}', '^', '&', '|', ';', '<', '>', "'", '`',
  'é', 'ß', '中', '😀', '\n', '-', '=', '&amp;', ']]>',
] as const;

export function* hostileStrings(count: number, seed: number, options: { pieces?: readonly string[]; maxPieces?: number } = {}): Generator<string> {
  const pieces = options.pieces ?? HOSTILE_PIECES;
  const maxPieces = options.maxPieces ?? 12;
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let n = 0; n < count; n++) {
    const length = next() % maxPieces;
    let text = '';
    for (let k = 0; k < length; k++) text += pieces[next() % pieces.length];
    yield text;
  }
}
