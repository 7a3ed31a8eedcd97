// Arguments Node acts on wherever they stand on its command line. Node's C++
// scans all of argv for them before any JavaScript runs, even after the script
// path (nodejs/node#54232; the fix in #54237 only stops the scan at `--`).
// `servicehost` is `node cli.js <arguments>`, so such an argument given to the
// command is read by the command's own node: the file is loaded into this
// process, and a NODE_OPTIONS=--require in it runs, as root under sudo,
// before servicehost can check anything; a missing file ends the process with
// Node's "not found" and exit 9. No code here can undo that, so the command has
// no option by those names (the env file is --environment-file) and refuses
// them when they come, saying what Node may already have done.
// Measured on x64, Linux and Windows under Wine (docs/cli.md#options-node-reads-itself):
//   --env-file, --env-file-if-exists (bare or =PATH, exact names): read up to
//     the first `--` by 20, 22, 24 and 26; not by 18;
//   --experimental-config-file, --experimental-default-config-file: read
//     anywhere, after `--` too, by 22 and 24; not by 20 or 26.
import { ServicehostError } from '../errors';

// A command line the CLI cannot take: exit 2 (usage), as args.ts's usage().
function refuse(message: string): never {
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', message);
}

const ENV_FILE = ['--env-file', '--env-file-if-exists'];
const CONFIG_FILE = ['--experimental-config-file', '--experimental-default-config-file'];

function named(token: string, names: readonly string[]): string | undefined {
  const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token;
  return names.includes(name) ? name : undefined;
}

/** The same option for the service's own node: one word, so this command's node never sees it. */
function asNodeArg(name: string): string {
  return `--node-arg=${name}${name === '--experimental-default-config-file' ? '' : '=<path>'}`;
}

/**
 * Refuses (ERR_INVALID_ARG_VALUE, exit 2) an argument Node reads itself.
 * `beforeSeparator`: the token stands before the command's `--` (an option or
 * its value), where Node reads the env-file options too.
 */
export function refuseTokenNodeReads(token: string, beforeSeparator: boolean): void {
  const envFile = beforeSeparator ? named(token, ENV_FILE) : undefined;
  if (envFile !== undefined) {
    refuse(
      `${envFile} is not a servicehost option; the service's env file is --environment-file <path>. ` +
        `Node (20 to 26, as measured) reads ${envFile} itself anywhere before a -- on its command line, after the script path too, before servicehost runs: ` +
        `this process's node may already have loaded that file into its own environment, with this command's privileges, and run whatever its NODE_OPTIONS names. ` +
        `For node's own ${envFile} in the service's command line, write ${asNodeArg(envFile)} as one word.`,
    );
  }
  const configFile = named(token, CONFIG_FILE);
  if (configFile !== undefined) {
    refuse(
      `${configFile} cannot be given to servicehost, not even after --: ` +
        `Node 22 and 24 read ${configFile} themselves wherever it stands on a command line, before servicehost runs, ` +
        `so this process's node may already have loaded that configuration, with this command's privileges. ` +
        `For the service's node, write ${asNodeArg(configFile)} as one word.`,
    );
  }
}

/** The whole command line as Node scanned it: the env-file options up to the first `--`, the config file anywhere. */
export function refuseCommandLineNodeReads(argv: readonly string[]): void {
  const nodeStops = argv.indexOf('--');
  argv.forEach((token, index) => refuseTokenNodeReads(token, nodeStops === -1 || index < nodeStops));
}
