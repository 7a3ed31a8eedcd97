// Parses the `servicehost` command line into a verb, options and the program's
// own arguments (everything after `--`). Pure: no I/O, so it is unit-tested.
import { ServicehostError } from '../errors';
import { refuseCommandLineNodeReads, refuseTokenNodeReads } from './node-reads';

export type OptionKind = 'string' | 'boolean' | 'list' | 'integer';

export interface OptionSpec {
  kind: OptionKind;
  description: string;
  /** The value's placeholder in --help. */
  value?: string;
}

export interface ParsedCommand {
  verb: string;
  positional: string[];
  options: Record<string, string | boolean | string[] | number>;
  /** After `--`: the script and its arguments. */
  rest: string[];
}

// A command line the CLI cannot take: exit code 2 (usage), by the table in exit-codes.ts.
export function usage(message: string): never {
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', message);
}

/** `argv` is process.argv.slice(2). `specs` are the verb's options, by long name. */
export function parseCommandLine(argv: readonly string[], specsOf: (verb: string) => Record<string, OptionSpec> | undefined): ParsedCommand {
  const [verb, ...tail] = argv;
  // First of all, what this process's node may have read itself (node-reads.ts).
  refuseCommandLineNodeReads(argv);
  if (verb === undefined || verb === '--help' || verb === '-h') return { verb: 'help', positional: [], options: {}, rest: [] };
  const specs = specsOf(verb);
  if (specs === undefined) usage(`Unknown command "${verb}". Run \`servicehost --help\` for the list.`);
  const parsed: ParsedCommand = { verb, positional: [], options: {}, rest: [] };
  for (let index = 0; index < tail.length; index += 1) {
    const token = tail[index]!;
    // A `--` taken as an option's value is no separator to this parser, but was to Node.
    refuseTokenNodeReads(token, true);
    if (token === '--') {
      parsed.rest = tail.slice(index + 1);
      break;
    }
    if (token === '-h' || token === '--help') {
      parsed.options.help = true;
      continue;
    }
    if (!token.startsWith('--')) {
      parsed.positional.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const rawName = equals === -1 ? token.slice(2) : token.slice(2, equals);
    const negated: boolean = rawName.startsWith('no-') && specs[rawName] === undefined;
    const name = negated ? rawName.slice(3) : rawName;
    const spec = specs[name];
    if (spec === undefined) usage(`Unknown option --${rawName} for "${verb}". Run \`servicehost ${verb} --help\`.`);
    if (spec.kind === 'boolean') {
      if (equals !== -1) usage(`--${rawName} takes no value`);
      parsed.options[name] = !negated;
      continue;
    }
    if (negated) usage(`--${rawName}: only on/off options can be negated`);
    let value: string;
    if (equals !== -1) value = token.slice(equals + 1);
    else {
      const next = tail[index + 1];
      if (next === undefined) usage(`--${name} needs a value`);
      refuseTokenNodeReads(next, true);
      value = next;
      index += 1;
    }
    if (spec.kind === 'list') {
      const list = (parsed.options[name] as string[] | undefined) ?? [];
      list.push(value);
      parsed.options[name] = list;
    } else if (spec.kind === 'integer') {
      if (!/^\d+$/u.test(value)) usage(`--${name} must be a whole number; got ${JSON.stringify(value)}`);
      parsed.options[name] = Number(value);
    } else {
      parsed.options[name] = value;
    }
  }
  return parsed;
}
