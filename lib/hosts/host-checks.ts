// Argument checks every host applies to what the lifecycle hands it.
import { expectFunction, expectInteger, expectObject, expectOneOf, expectString, optionalInteger } from '../validate';
import { HOST_STATES, type ExitInfo, type HostStatus } from './host';

const MAX_WAIT_HINT_MS = 0xffffffff;

export function checkHostStatus(where: string, status: unknown): HostStatus {
  const checked = expectObject(`${where}(status)`, status);
  expectOneOf(`${where}: status.state`, checked.state, HOST_STATES);
  optionalInteger(`${where}: status.waitHintMs`, checked.waitHintMs, 0, MAX_WAIT_HINT_MS);
  return status as HostStatus;
}

export function checkExitInfo(where: string, exit: unknown): ExitInfo {
  const checked = expectObject(`${where}(exit)`, exit);
  expectInteger(`${where}: exit.exitCode`, checked.exitCode, 0, 255);
  if (checked.message !== undefined) expectString(`${where}: exit.message`, checked.message);
  optionalInteger(`${where}: exit.errno`, checked.errno, 0, 0x7fffffff);
  return exit as ExitInfo;
}

export function checkStatusText(where: string, message: unknown): string {
  return expectString(`${where}(message)`, message);
}

/** A host's `exitProcess` option: `process.exit` unless a test hands in another. */
export function exitProcessOption(where: string, exitProcess: unknown): (exitCode: number) => void {
  if (exitProcess === undefined) return (code) => process.exit(code);
  return expectFunction(`${where}: options.exitProcess`, exitProcess) as (code: number) => void;
}
