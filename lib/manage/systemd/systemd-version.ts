// Which systemd a unit is written for: `systemctl --version` for the running
// system (system or user manager alike: the same package), or, for an offline
// root (--root), the version in the name of the root's libsystemd-shared-<N>.so,
// which every systemd since 231 ships and which needs nothing run from the root.
// Unknown (undefined) when neither answers: the unit is then written the way
// every systemd takes.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { commandPath, type CommandOverrides } from '../commands';

/** The first systemd with Type=notify-reload (SIGHUP, RELOADING=1 with MONOTONIC_USEC, READY=1). */
export const NOTIFY_RELOAD_SINCE = 253;
/** The first systemd with LoadCredential= (and $CREDENTIALS_DIRECTORY). */
export const CREDENTIALS_SINCE = 250;

/** The number in `systemd 257 (257.9-1~deb13u1)`, the first line of `systemctl --version`. */
export function parseSystemctlVersion(output: string): number | undefined {
  const match = /^systemd (\d{2,4})\b/u.exec(output.trimStart());
  return match ? Number(match[1]) : undefined;
}

/** The version of the systemd installed under `root`, from its libsystemd-shared-<N>.so; undefined when there is none. */
export function offlineRootSystemdVersion(root: string): number | undefined {
  for (const folder of ['usr/lib/systemd', 'lib/systemd', 'usr/lib64/systemd', 'usr/lib/x86_64-linux-gnu/systemd', 'usr/lib/aarch64-linux-gnu/systemd']) {
    let names: string[];
    try {
      names = readdirSync(path.join(path.resolve(root), folder));
    } catch {
      continue;
    }
    for (const name of names) {
      const match = /^libsystemd-shared-(\d{2,4})(?:[.-][^/]*)?\.so$/u.exec(name);
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

/** The target's systemd version, or undefined when it cannot be told (see the file's head). */
export function targetSystemdVersion(scope: { root?: string; commands?: CommandOverrides }): Promise<number | undefined> {
  if (scope.root !== undefined) return Promise.resolve(offlineRootSystemdVersion(scope.root));
  return new Promise((resolve) => {
    execFile(commandPath('systemctl', scope.commands), ['--version'], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => {
      resolve(error ? undefined : parseSystemctlVersion(stdout));
    });
  });
}
