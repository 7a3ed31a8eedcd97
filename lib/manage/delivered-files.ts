// What the service manager hands the program from files at start, named at
// install: env files (`--env-file`, spec.envFiles) and credentials
// (`--credential NAME:PATH`, spec.credentials). systemd reads both itself
// (EnvironmentFile=, LoadCredential=); on Windows and launchd node reads an env
// file with its own --env-file (Node 20.6 and later), and there is no
// credential store to hand a file through, so credentials are refused there.
// Each file is a run path: the least-privilege check refuses one another user
// can change (runPaths() in spec.ts).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { ServicehostError } from '../errors';
import { checkCredentialName } from '../hosts/systemd/credentials';
import { expectObject, expectText } from '../validate';

const execFileAsync = promisify(execFile);

/** The first Node with --env-file. */
const ENV_FILE_NODE = [20, 6] as const;

/** spec.envFiles: a list of paths, made absolute. */
export function envFilesOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', 'install(spec): spec.envFiles must be an array of paths');
  return value.map((item, index) => path.resolve(expectText(`install(spec): spec.envFiles[${index}]`, item, { nonEmpty: true })));
}

/** spec.credentials: { NAME: path }, names checked, paths made absolute; refused on Windows and launchd. */
export function checkCredentials(value: unknown, platform: 'windows' | 'systemd' | 'launchd'): Record<string, string> {
  if (value === undefined) return {};
  const object = expectObject('install(spec): spec.credentials', value);
  const entries = Object.entries(object);
  if (entries.length > 0 && platform !== 'systemd') {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `--credential (spec.credentials) is systemd's LoadCredential=; ${platform === 'windows' ? 'the Windows SCM' : 'launchd'} has no credential store servicehost can hand a file to the service through. ` +
        'Use --environment-file (spec.envFiles) with a file only the service\'s account can read, or read the secret from a path you pass in --env.',
    );
  }
  const result: Record<string, string> = {};
  for (const [name, file] of entries) {
    result[checkCredentialName(name, 'install(spec): spec.credentials')] = path.resolve(expectText(`install(spec): spec.credentials.${name}`, file, { nonEmpty: true }));
  }
  return result;
}

/** The [major, minor] of the Node at `node` on this machine (process.versions when it is this one); undefined when it cannot be run. */
async function nodeVersionOf(node: string): Promise<[number, number] | undefined> {
  let version = process.version;
  if (path.resolve(node) !== process.execPath) {
    try {
      version = (await execFileAsync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 })).stdout.trim();
    } catch {
      return undefined;
    }
  }
  const match = /^v(\d+)\.(\d+)\./u.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** node's own `--env-file=<path>` for each env file (Windows and launchd, where node reads them). */
export function envFileNodeArgs(envFiles: readonly string[]): string[] {
  return envFiles.map((file) => `--env-file=${file}`);
}

/**
 * Off systemd, with env files: the service's Node must be 20.6 or later,
 * or it would not start. Asked of the node the service will run: this
 * machine's, by running it (refused when older); on another machine
 * (`machine`, a Windows --host install) it cannot be run from here, and the
 * warning says what to check there.
 */
export async function checkEnvFileNode(spec: { envFiles: readonly string[]; node: string }, machine?: string): Promise<string[]> {
  if (spec.envFiles.length === 0) return [];
  const [major, minor] = ENV_FILE_NODE;
  if (machine !== undefined) return [`${machine}: --env-file (spec.envFiles) needs Node ${major}.${minor} or later there, where node itself reads the file; ${spec.node} on that machine was not asked its version`];
  const version = await nodeVersionOf(spec.node);
  if (version !== undefined && (version[0] < major || (version[0] === major && version[1] < minor))) {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `--env-file (spec.envFiles) needs Node ${major}.${minor} or later on Windows and launchd, where node itself reads the file (node --env-file); the service's node ${spec.node} is v${version.join('.')}. Install a newer Node, or pass the variables with --env`,
    );
  }
  return [];
}

/**
 * An env file's variables, read as systemd's EnvironmentFile= and node's
 * --env-file both take them: `KEY=value` lines, `#` and `;` comments, an
 * optional `export `, values in "double quotes" (with \-escapes, across
 * lines) or 'single quotes', a bare value to the end of its line. Where the
 * two readers differ, the least-privilege check only needs what either could
 * see: a NODE_OPTIONS that names a preload.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  const source = text.replace(/\r\n?/gu, '\n');
  let at = 0;
  const restOfLine = (): string => {
    const end = source.indexOf('\n', at);
    const line = source.slice(at, end === -1 ? source.length : end);
    at = end === -1 ? source.length : end + 1;
    return line;
  };
  while (at < source.length) {
    const start = at;
    const equals = source.indexOf('=', at);
    const newline = source.indexOf('\n', at);
    const head = source.slice(start, newline === -1 ? source.length : newline).trimStart();
    if (head === '' || head.startsWith('#') || head.startsWith(';') || equals === -1 || (newline !== -1 && newline < equals)) {
      restOfLine();
      continue;
    }
    const key = source.slice(start, equals).trim().replace(/^export\s+/u, '');
    at = equals + 1;
    while (source[at] === ' ' || source[at] === '\t') at += 1;
    const quote = source[at];
    let value = '';
    if (quote === '"' || quote === "'") {
      at += 1;
      while (at < source.length && source[at] !== quote) {
        if (quote === '"' && source[at] === '\\' && at + 1 < source.length) at += 1;
        value += source[at];
        at += 1;
      }
      at += 1;
      restOfLine();
    } else {
      value = restOfLine();
      // systemd joins a line that ends in a backslash with the next.
      while (value.endsWith('\\') && at < source.length) value = value.slice(0, -1) + restOfLine();
      value = value.trim();
    }
    if (/^[A-Za-z_][A-Za-z0-9_.-]*$/u.test(key) && key !== '__proto__') variables[key] = value;
  }
  return variables;
}

/** Each env file's variables, read now; a warning for a file that cannot be read (what it sets was not checked). */
export function envFileVariables(envFiles: readonly string[]): { variables: Array<Record<string, string>>; warnings: string[] } {
  const variables: Array<Record<string, string>> = [];
  const warnings: string[] = [];
  for (const file of envFiles) {
    try {
      variables.push(parseEnvFile(readFileSync(file, 'utf8')));
    } catch (error) {
      warnings.push(`${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: the env file cannot be read here, so the NODE_OPTIONS it may set were not checked`);
    }
  }
  return { variables, warnings };
}
