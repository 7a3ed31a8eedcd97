// What the command prints as text reaches a person's terminal, and a value in
// it (a unit's Description, a command line, a service's own output) is
// anyone's who could write that service: an ESC sequence in it could clear the
// screen and draw a fake "running", a bidi override could reorder what is read.
// So every control is shown as an escape instead: C0 (but the line breaks of
// the text itself), DEL, C1 (0x80-0x9f: 0x9b is CSI on its own), and the
// Unicode format controls that reorder text (bidi embeddings, overrides and
// isolates, the marks). JSON output needs none of this: JSON.stringify
// escapes C0, and the reader is a program.

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS_AND_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function escaped(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with its controls shown as \xNN / \uNNNN; newlines stay line breaks when `keepNewlines` (a whole text), else they are escaped too (one value, one line). */
export function terminalSafe(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROL_CHARACTERS : CONTROL_CHARACTERS_AND_NEWLINE, escaped);
}

/** A copy of `value` whose strings (deep, in arrays and plain objects) are each terminalSafe as one value. */
export function terminalSafeValues<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => terminalSafeValues(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, terminalSafeValues(item)])) as T;
  }
  return value;
}
