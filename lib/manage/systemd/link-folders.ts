// The folders `systemctl enable` writes its links in, read from the units' [Install] lines.
import * as path from 'node:path';

/** The .wants and .requires folders `systemctl enable` links a unit from: its WantedBy= and RequiredBy= targets, in `folder`. */
export function installLinkFolders(folder: string, unitTexts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of unitTexts) {
    for (const line of text.split('\n')) {
      const match = /^(WantedBy|RequiredBy|UpheldBy)=(.*)$/u.exec(line);
      if (match === null) continue;
      const suffix = match[1] === 'WantedBy' ? '.wants' : match[1] === 'RequiredBy' ? '.requires' : '.upholds';
      for (const target of match[2]!.split(/\s+/u).filter(Boolean)) found.add(path.join(folder, `${target}${suffix}`));
    }
  }
  return [...found];
}
