// The folder of a Windows service's captured output, as install makes it
// (elevated; the service itself never does): created, with an ACL that lets
// the service's account write, Administrators and SYSTEM do anything, and
// Users only read; and the SERVICEHOST_LOG_* variables the register preload
// reads (lib/windows/output-capture.ts).
import { mkdirSync } from 'node:fs';
import { isSystemError } from '../../errors';
import { windowsNative } from '../../native/load';
import { captureVariables } from '../../windows/output-capture-files';
import { defaultWindowsLogDirectory } from '../logs-windows';
import { logCaptureOf, type ResolvedSpec } from '../spec';

/** `KEY=value` entries of the capture settings, for the service's Environment value; none when capture is off. */
export function logEnvironmentEntries(spec: ResolvedSpec): string[] {
  const settings = logCaptureOf(spec, defaultWindowsLogDirectory(spec.name));
  return settings === undefined ? [] : Object.entries(captureVariables(settings)).map(([key, value]) => `${key}=${value}`);
}

/**
 * Makes the log folder and sets its ACL; `account` is the service's
 * (LocalSystem needs no entry: SYSTEM has full control). Returns warnings.
 */
export function prepareLogFolder(spec: ResolvedSpec, account: string): string[] {
  const settings = logCaptureOf(spec, defaultWindowsLogDirectory(spec.name));
  if (settings === undefined) return [];
  mkdirSync(settings.dir, { recursive: true });
  const named = account === 'LocalSystem' ? undefined : account;
  try {
    windowsNative().setLogDirectoryAcl(settings.dir, named);
    return [];
  } catch (error) {
    // An account the system cannot name (Wine knows no NT SERVICE\ accounts): the folder is still made safe, without it.
    if (named === undefined || !(isSystemError(error) && error.code === 'ERROR_NONE_MAPPED')) throw error;
    windowsNative().setLogDirectoryAcl(settings.dir);
    return [`the log folder ${settings.dir} does not name ${named} (${error.code}): the service may be unable to write its output there`];
  }
}
