// Where the command writes, and how a service looks to a person.
import type { ServiceInfo } from '../manage/types';
import { terminalSafe, terminalSafeValues } from './terminal-safe';

export interface Output {
  /** --json: one JSON document on stdout instead of text. */
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The value as JSON under --json, else the text, its controls escaped for the terminal (terminal-safe.ts). */
export function print(output: Output, value: unknown, text: string): void {
  output.out(output.json ? JSON.stringify(value, null, 2) : terminalSafe(text, true));
}

export function describeService(unsafe: ServiceInfo): string {
  // Each value on its line: a newline in a unit's value cannot draw a line of its own.
  const info = terminalSafeValues(unsafe);
  const lines = [
    `${info.name}: ${info.state}${info.pid === undefined ? '' : ` (pid ${info.pid})`}`,
    `  platform:    ${info.platform}`,
    `  enabled:     ${info.enabled ? 'yes' : 'no'}`,
  ];
  if (info.exitCode !== undefined) lines.push(`  exit code:   ${info.exitCode}`);
  if (info.description) lines.push(`  description: ${info.description}`);
  if (info.account) lines.push(`  account:     ${info.account}`);
  lines.push(`  command:     ${info.commandLine}`);
  if (info.workingDirectory) lines.push(`  directory:   ${info.workingDirectory}`);
  if (info.windows) lines.push(`  start type:  ${info.windows.startType}`);
  if (info.systemd) lines.push(`  unit:        ${info.systemd.unitPath}`);
  for (const socket of info.systemd?.sockets ?? []) {
    const access = socket.mode === undefined ? '' : `, mode ${socket.mode}${socket.group === undefined ? '' : `, group ${socket.group}`}`;
    lines.push(`  socket:      ${socket.address} (${socket.unit}, name ${socket.name}${access})`);
  }
  if (info.launchd) lines.push(`  plist:       ${info.launchd.plistPath}`);
  return lines.join('\n');
}

/** The last lines of a service's output, as `status` shows them. */
export interface ServiceOutput {
  /** Where they were read: a folder, a file, a journalctl command. */
  source: string;
  lines: string[];
  /** Why they could not be read. */
  error?: string;
  /** What the reader said besides (Windows: the service is not installed with output capture). */
  notices?: string[];
}

/** What a service with no lines has to say: nothing was written yet (not an error). */
export function noOutputYet(name: string, source: string): string {
  return `${name} has written no output yet${source ? ` (${source})` : ''}.`;
}

/** `status`'s last lines, under the service's description, as `systemctl status` ends with the journal. */
export function describeOutput(name: string, output: ServiceOutput): string {
  if (output.error !== undefined) return `  (its output cannot be read: ${output.error})`;
  // No lines, and the reader knows why (no capture configured): that, rather than "nothing written yet".
  if (output.lines.length === 0) return (output.notices ?? []).length > 0 ? output.notices!.map((notice) => `  ${notice}`).join('\n') : `  ${noOutputYet(name, output.source)}`;
  return output.lines.join('\n');
}