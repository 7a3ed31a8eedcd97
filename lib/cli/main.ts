// The `servicehost` command: parses the command line, runs the verb, and ends
// with the exit code the table in command-exit-codes.ts gives. Output is for people
// unless --json is given.
import { servicehostVersion } from '../manage/version';
import { parseCommandLine, type ParsedCommand } from './args';
import { COMMAND_EXIT, commandExitCodeHelp, commandExitCodeOf } from './command-exit-codes';
import { refuseCommandLineNodeReads } from './node-reads';
import type { Output } from './output';
import { terminalSafe } from './terminal-safe';
import { VERBS, type Verb } from './verbs';

export { installSpecOf } from './install-spec';

function mainHelp(): string {
  const verbs = Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(10)} ${verb.summary}`).join('\n');
  return [
    'servicehost: run a Node.js program as a real operating-system service.',
    '',
    'Usage: servicehost <command> [options]',
    '',
    'Commands:',
    verbs,
    '',
    'Example:',
    '  npx servicehost install --name api -- server.js --port 8080',
    '',
    'Run `servicehost <command> --help` for its options; `servicehost --version` prints the version.',
    '',
    commandExitCodeHelp(),
  ].join('\n');
}

function verbHelp(name: string, verb: Verb): string {
  const options = Object.entries(verb.options).map(([option, spec]) => {
    const left = `--${option}${spec.value ? ` <${spec.value}>` : ''}`;
    return `  ${left.padEnd(28)} ${spec.description}`;
  });
  return [`servicehost ${name}: ${verb.summary}`, '', `Usage: ${verb.usage}`, '', 'Options:', ...options, '', commandExitCodeHelp()].join('\n');
}

function report(error: unknown, command: ParsedCommand, output: Output): void {
  if (output.json) {
    // output: a failed start's last lines (ERR_SERVICEHOST_START_FAILED), as a list for scripts.
    const { name, code, message, systemCode, errno, syscall, output: lines } = error as Record<string, unknown>;
    output.out(JSON.stringify({ error: { name, code, message, systemCode, errno, syscall, ...(Array.isArray(lines) ? { output: lines } : {}) } }, null, 2));
  } else {
    // A message can hold a path or a value from a unit: escaped for the terminal (terminal-safe.ts).
    output.err(terminalSafe(`servicehost ${command.verb}: ${(error as Error).message}`, true));
  }
}

/** Runs the command; resolves with the exit code (undefined: `run` keeps the process alive). */
export async function main(argv: readonly string[], output: Output): Promise<number | undefined> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    // Even here: an argument this process's node may have acted on is said so (node-reads.ts).
    try {
      refuseCommandLineNodeReads(argv);
    } catch (error) {
      output.err(`servicehost: ${(error as Error).message}`);
      return COMMAND_EXIT.usage;
    }
    output.out(servicehostVersion());
    return COMMAND_EXIT.ok;
  }
  let command: ParsedCommand;
  try {
    command = parseCommandLine(argv, (verb) => VERBS[verb]?.options);
  } catch (error) {
    output.err(`servicehost: ${(error as Error).message}`);
    return COMMAND_EXIT.usage;
  }
  if (command.verb === 'help') {
    output.out(mainHelp());
    return COMMAND_EXIT.ok;
  }
  const verb = VERBS[command.verb]!;
  output.json = command.options.json === true;
  if (command.options.help === true) {
    output.out(verbHelp(command.verb, verb));
    return COMMAND_EXIT.ok;
  }
  try {
    return await verb.run(command, output);
  } catch (error) {
    report(error, command, output);
    return commandExitCodeOf(error);
  }
}

/** Runs the command with this process's arguments and streams; the bin's whole job. */
export function runFromProcess(): void {
  main(process.argv.slice(2), {
    json: false,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`servicehost: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = COMMAND_EXIT.failed;
    },
  );
}
