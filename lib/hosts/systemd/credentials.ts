// systemd's credentials (LoadCredential=, `servicehost install --credential
// NAME:PATH`, systemd 250 and later): systemd copies each file into a folder
// of the service's own, readable by its user alone, and names the folder in
// $CREDENTIALS_DIRECTORY. The secret never sits in the unit file or the
// environment. credential() reads one on the main thread (a few bytes,
// synchronously, as configuration is read at start); credentialAsync() reads
// it without blocking.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ServicehostError } from '../../errors';
import { showValue } from '../../validate';

/** A credential's name: what systemd takes as a file name in its folder, kept to characters no unit file needs escaped. */
const CREDENTIAL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,254}$/u;

/** Throws ERR_INVALID_ARG_VALUE (or _TYPE) unless `name` is a credential name servicehost installs and reads; returns it. */
export function checkCredentialName(name: unknown, where = 'credential(name)'): string {
  if (typeof name !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}: the credential's name must be a string; got ${name === null ? 'null' : typeof name}`);
  if (!CREDENTIAL_NAME.test(name) || name.includes('..')) {
    throw new ServicehostError(
      'ERR_INVALID_ARG_VALUE',
      `${where}: ${showValue(name)} is not a credential name: letters, digits and _ . @ - only, starting with a letter, digit or _, at most 255, no '..'`,
    );
  }
  return name;
}

function fileOf(name: unknown, env: NodeJS.ProcessEnv): string {
  const checked = checkCredentialName(name);
  const directory = env.CREDENTIALS_DIRECTORY;
  if (!directory || !path.isAbsolute(directory)) {
    throw new ServicehostError(
      'ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND',
      `credential(${JSON.stringify(checked)}): no credentials were passed to this process ($CREDENTIALS_DIRECTORY is not set): install it with \`servicehost install --credential ${checked}:<file>\` (systemd's LoadCredential=, systemd 250 or later)`,
    );
  }
  return path.join(directory, checked);
}

function notFound(name: string, file: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    throw new ServicehostError('ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND', `credential(${JSON.stringify(name)}): systemd passed no credential of that name (${file} does not exist): install it with \`servicehost install --credential ${name}:<file>\``, { cause: error });
  }
  throw error;
}

/**
 * The credential `name` that systemd passed the service, as UTF-8 text (a
 * trailing newline kept, as in the file). Throws ERR_SERVICEHOST_CREDENTIAL_NOT_FOUND
 * when there is none of that name, ERR_INVALID_ARG_VALUE for a name that
 * cannot be one. `env` defaults to process.env.
 */
export function credential(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = fileOf(name, env);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return notFound(name, file, error);
  }
}

/** {@link credential}, read without blocking the event loop. */
export async function credentialAsync(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = fileOf(name, env);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return notFound(name, file, error);
  }
}
