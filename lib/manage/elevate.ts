// `elevate: true` / `--elevate`: an unelevated caller (a desktop app) runs
// servicehost's own CLI elevated through UAC's "runas" verb and gets its
// answer back. Windows only.
//
// The exchange goes through a fresh folder under the caller's temp folder,
// named by 128 random bits and created natively with a protected DACL that
// lets in only the caller's user, the Administrators and SYSTEM (the elevated
// process is the same user with its full token, or an administrator when a
// standard user elevates over the shoulder). The request (a CLI command line
// or an API call, and an account's password if any) is written there, never
// on the command line; the elevated side writes its result beside it with an
// exclusive create. The folder is removed afterwards, whatever happened.
// ShellExecuteExW starts the elevated process with the user's standard
// environment, not the caller's: nothing is passed through variables.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServicehostError, isSystemError } from '../errors';
import { windowsNative } from '../native/load';
import {
  REQUEST_FILE,
  RESULT_FILE,
  deserializeError,
  elevatedArguments,
  parseElevationResult,
  privateFolderProblem,
  windowsParameters,
  type ElevatableCall,
  type ElevationRequest,
  type ElevationResult,
} from './elevate-protocol';

/** Ask for elevation: `elevate: true` on install, configure, uninstall, start and stop. */
export interface ElevateOptions {
  /**
   * Windows: run the operation in an elevated servicehost (a UAC prompt
   * unless the caller is elevated already), for a desktop app that runs
   * unelevated; its result or typed error comes back as if it ran here. A
   * declined prompt rejects with ERR_SERVICEHOST_ELEVATION_CANCELLED. Other
   * platforms refuse it (ERR_SERVICEHOST_UNSUPPORTED_PLATFORM): run the
   * program with sudo or pkexec. `onProgress` is not called. Default false.
   */
  elevate?: boolean;
}

/** ERROR_CANCELLED: ShellExecuteExW's answer when the user declines the consent prompt. */
export const ERROR_CANCELLED = 1223;

/** Refuses `elevate` where servicehost cannot elevate. */
export function checkElevationPlatform(platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  throw new ServicehostError(
    'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM',
    `elevate is for Windows only: servicehost does not ask for a password on ${platform}. Run the command as root instead (sudo servicehost ..., or pkexec for a desktop app), or use a per-user service (user: true, --user).`,
  );
}

/** The CLI script the elevated process runs: this package's own bin. */
function cliScript(): string {
  return path.join(__dirname, '..', 'cli.js');
}

/** Why an elevated process may have ended without a result. */
export function noResultHint(versions: NodeJS.ProcessVersions = process.versions): string {
  // Electron's binary starts the app itself there (the variable that would make it Node does not cross): only the app's main can answer.
  return versions.electron === undefined
    ? `${process.execPath} could not run ${cliScript()}?`
    : "in Electron the elevated process is the app itself, whose main process must call handleElevatedRequest() from 'servicehost/manage' before anything else (docs/electron.md)";
}

/** The elevated process's error for a failed elevation, typed. */
export function elevationError(error: unknown): unknown {
  if (isSystemError(error) && error.errno === ERROR_CANCELLED) {
    return new ServicehostError('ERR_SERVICEHOST_ELEVATION_CANCELLED', 'The elevation prompt was declined (ERROR_CANCELLED): nothing was changed. Accept the prompt, or run the command from an elevated prompt.', { cause: error });
  }
  return error;
}

/** Runs `request` in an elevated servicehost and resolves with what it wrote back. */
export async function requestElevated(request: ElevationRequest): Promise<ElevationResult> {
  checkElevationPlatform();
  const native = windowsNative();
  const folder = path.join(os.tmpdir(), `servicehost-elevate-${randomBytes(16).toString('hex')}`);
  const sddl = native.createPrivateDirectory(folder);
  try {
    const problem = privateFolderProblem(sddl);
    if (problem !== undefined) throw new ServicehostError('ERR_SERVICEHOST_COMMAND_FAILED', `Cannot elevate: the private folder ${folder} is not private: ${problem}. Point TEMP at a folder on an NTFS volume.`);
    // 'wx': a name that exists (nothing should, in a folder just made) is refused, never followed.
    writeFileSync(path.join(folder, REQUEST_FILE), JSON.stringify(request), { flag: 'wx', mode: 0o600 });
    let exitCode: number;
    try {
      ({ exitCode } = await native.runElevated({
        program: process.execPath,
        parameters: windowsParameters(elevatedArguments(cliScript(), folder)),
        directory: request.cwd,
      }));
    } catch (error) {
      throw elevationError(error);
    }
    let text: string;
    try {
      text = readFileSync(path.join(folder, RESULT_FILE), 'utf8');
    } catch (error) {
      throw new ServicehostError('ERR_SERVICEHOST_COMMAND_FAILED', `The elevated servicehost ended with exit code ${exitCode} and wrote no result: ${noResultHint()}`, { cause: error });
    }
    return parseElevationResult(text, request.kind);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** An API call made elevated: its value, or its typed error rebuilt here. */
export async function elevatedCall(call: ElevatableCall, args: unknown[]): Promise<unknown> {
  // Functions (onProgress) cannot cross; `elevate` must not, or the elevated side would ask again.
  const plain = args.map((argument) =>
    typeof argument === 'object' && argument !== null && !Array.isArray(argument)
      ? Object.fromEntries(Object.entries(argument).filter(([key, value]) => key !== 'elevate' && typeof value !== 'function'))
      : argument,
  );
  const result = await requestElevated({ kind: 'call', cwd: process.cwd(), call, args: plain });
  if (result.kind !== 'call') throw new ServicehostError('ERR_SERVICEHOST_COMMAND_FAILED', 'The elevated servicehost answered another request');
  if (!result.ok) throw deserializeError(result.error);
  return result.value;
}
