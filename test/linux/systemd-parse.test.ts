// systemd's own parser reads each unit servicehost writes back exactly:
// `systemd --test --user` loads a unit from SYSTEMD_UNIT_PATH and dumps what it
// read (a dry run: nothing starts, no manager is booted). It refuses to run as
// root, so root runs it as `nobody`. Issue 21's unit round trip: for each
// value servicehost refuses, a witness shows this systemd trimming, dropping or
// failing it; for the values it accepts, the dump equals the input.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveSpec } from '../../lib/manage/spec';
import type { InstallSpec } from '../../lib/manage/spec-types';
import { LONG_LINE_MAX, renderSystemdUnit } from '../../lib/manage/systemd/unit';

const SYSTEMD = ['/usr/lib/systemd/systemd', '/lib/systemd/systemd'].find((file) => existsSync(file));
const asRoot = process.getuid?.() === 0;

function usable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (SYSTEMD === undefined) return 'no systemd binary (apt-get install systemd)';
  if (asRoot) {
    try {
      execFileSync('runuser', ['-u', 'nobody', '--', '/bin/true'], { stdio: 'ignore' });
    } catch {
      return 'running as root without `runuser -u nobody`';
    }
  }
  return undefined;
}
const skip = usable();

interface Read {
  /** The parser's complaints about the file ("t.service:3: ..."). */
  warnings: string[];
  loaded: boolean;
  /** The dump's fields of the unit, each with every value it printed. */
  fields: Map<string, string[]>;
}

/** What systemd read from `text`, saved as t.service. */
function systemdReads(text: string): Read {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'servicehost-parse-'));
  try {
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 't.service'), text, { mode: 0o644 });
    const env = { PATH: '/usr/bin:/bin', SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_COLOR: '0', XDG_RUNTIME_DIR: os.tmpdir(), SYSTEMD_UNIT_PATH: `${dir}:` };
    const argv = [SYSTEMD!, '--test', '--user', '--unit=t.service', '--no-pager'];
    const [command, ...args] = asRoot ? ['runuser', '-u', 'nobody', '--', 'env', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), ...argv] : argv;
    // The dump is on stdout, the parser's warnings on stderr; it exits non-zero when the unit did not load.
    const run = spawnSync(command!, args, { env: asRoot ? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } : env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lines = `${run.stdout}\n${run.stderr}`.split('\n');
    const warnings = lines.filter((line) => /\/t\.service:\d+:/u.test(line));
    const fields = new Map<string, string[]>();
    const start = lines.findIndex((line) => line === '\t-> Unit t.service:');
    for (const line of start < 0 ? [] : lines.slice(start + 1)) {
      if (/^\t-> /u.test(line)) break;
      const match = /^\t\t\t?([A-Za-z ]+): ?(.*)$/u.exec(line);
      if (match) fields.set(match[1]!, [...(fields.get(match[1]!) ?? []), match[2]!]);
    }
    return { warnings, loaded: fields.get('Unit Load State')?.[0] === 'loaded', fields };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The words of the dump's "Command Line": plain, or in double quotes with C escapes (\$, \", \\, \t, \n...). */
function dumpedWords(line: string): string[] {
  const words: string[] = [];
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
  let index = 0;
  while (index < line.length) {
    if (line[index] === ' ') {
      index += 1;
      continue;
    }
    let word = '';
    if (line[index] === '"') {
      for (index += 1; index < line.length && line[index] !== '"'; index += 1) {
        if (line[index] === '\\') {
          const next = line[index + 1]!;
          if (next === 'x') {
            word += String.fromCharCode(Number.parseInt(line.slice(index + 2, index + 4), 16));
            index += 3;
          } else {
            word += simple[next] ?? next;
            index += 1;
          }
        } else word += line[index];
      }
      index += 1;
    } else {
      for (; index < line.length && line[index] !== ' '; index += 1) word += line[index];
    }
    words.push(word);
  }
  return words;
}

const minimal = (lines: string) => `[Unit]\nDescription=witness\n[Service]\nExecStart=/usr/bin/node /srv/a.js\n${lines}\n`;

describe.skipIf(skip !== undefined)(`systemd's own parser (systemd --test --user)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  test("witnesses: what servicehost now refuses, this systemd trims, drops or fails", () => {
    expect(systemdReads(minimal('WorkingDirectory=/srv/app ')).fields.get('WorkingDirectory')).toEqual(['/srv/app']);
    expect(systemdReads('[Unit]\nDescription=  padded  \n[Service]\nExecStart=/usr/bin/node /a.js\n').fields.get('Description')).toEqual(['padded']);
    for (const id of ['4294967295', '65535']) expect(systemdReads(minimal(`User=${id}`)).warnings.join('\n')).toMatch(/Invalid user\/group name or numeric ID/u);
    for (const program of ['"/opt/a\\"b/node"', '"/opt/a\\\\b/node"', `"/opt/a'b/node"`]) {
      expect(systemdReads(`[Service]\nExecStart=${program} /a.js\n`).warnings.join('\n')).toMatch(/special characters/u);
    }
    expect(systemdReads(minimal(`ReadWritePaths=/${'a/'.repeat(2047)}b`)).fields.get('ReadWritePaths')).toBeUndefined();
    expect(systemdReads(minimal(`ReadWritePaths=/var/${'a'.repeat(256)}`)).warnings.join('\n')).toMatch(/invalid length/u);
    // A line of LONG_LINE_MAX bytes: the whole unit is not read at all.
    const long = `[Unit]\nDescription=${'d'.repeat(LONG_LINE_MAX - 'Description='.length)}\n[Service]\nExecStart=/usr/bin/node /a.js\n`;
    expect(systemdReads(long).loaded).toBe(false);
    expect(systemdReads(long.replace('dd', 'd')).loaded).toBe(true);
    // A lone surrogate, written as UTF-8 by Node, is U+FFFD: another value.
    expect(systemdReads(minimal('Environment=A=\ud800')).fields.get('Environment')).toEqual(['A=\ufffd']);
  }, 60_000);

  test('accepted values read back exactly: Description, WorkingDirectory, ExecStart words, Environment, User/Group, ReadWritePaths', () => {
    // At the limits: 4095 bytes, a 255-byte name.
    const readWritePaths = ['/var/a b', '/var/%x', `/${'a/'.repeat(2046)}bc`, `/var/${'n'.repeat(255)}`];
    const spec: InstallSpec = {
      node: '/usr/bin/node',
      name: 'roundtrip',
      description: 'Mine: 100% "ok" $HOME \\x  inner  é✓',
      script: '/srv/a b/s%n.js',
      args: ['x$y', '${HOME}', '$HOME', '%h', 'q"uote', 'back\\slash', "it's", 'tab\there', 'new\nline', 'é✓', ';', '', ' lead', 'trail '],
      workingDirectory: '/srv/my "app" %i $HOME \\x41 é  two',
      env: { A: '1 2', B: '$HOME %h "q" \\ é', C: '', D: ' padded ' },
      register: false,
      systemd: { runAs: { user: '4294967294', group: '0' }, hardening: { readWritePaths } },
    };
    const resolved = resolveSpec(spec, 'systemd');
    const read = systemdReads(renderSystemdUnit(resolved, { version: '0.0.0-test' }));
    expect(read.warnings).toEqual([]);
    expect(read.loaded).toBe(true);
    expect(read.fields.get('Description')).toEqual([spec.description]);
    expect(read.fields.get('WorkingDirectory')).toEqual([spec.workingDirectory]);
    expect(read.fields.get('User')).toEqual(['4294967294']);
    expect(read.fields.get('Group')).toEqual(['0']);
    expect(read.fields.get('Environment')!.slice(0, 4)).toEqual(['A=1 2', 'B=$HOME %h "q" \\ é', 'C=', 'D= padded ']);
    // The dump joins the list with spaces.
    expect(read.fields.get('ReadWritePaths')).toEqual([[resolved.workingDirectory, ...readWritePaths].join(' ')]);
    // systemd keeps $$ until it starts the process, where it becomes $ (systemd.service(5)): the stored words are the arguments with each $ doubled.
    const [execStart] = read.fields.get('Command Line')!;
    expect(dumpedWords(execStart!)).toEqual(['/usr/bin/node', '/srv/a b/s%n.js', ...spec.args!.map((arg) => arg.replaceAll('$', () => '$$'))]);
  }, 60_000);
});
