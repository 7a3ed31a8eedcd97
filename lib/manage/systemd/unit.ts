// Writes systemd unit files. Every value goes through one of the escapers
// below, chosen by how systemd reads that setting (systemd.syntax(7),
// systemd.service(5)); what no escaping can make safe is rejected.
import * as path from 'node:path';
import { ServicehostError } from '../../errors';
import { NOTIFY_RELOAD_VARIABLE, RELOAD_ACK_VARIABLE } from '../../lifecycle/installed-environment';
import { programArguments, serviceEnvironment, type ResolvedSpec } from '../spec';
import { socketUnitNames } from './socket-names';
import { CREDENTIALS_SINCE, NOTIFY_RELOAD_SINCE } from './systemd-version';

/** The first line of every unit servicehost writes; list() and uninstall() look for it. */
export const UNIT_MARKER = '# Installed by servicehost.';

function reject(setting: string, value: string, why: string): never {
  // A megabyte of value is no help in a message: its start and its length are.
  const shown = value.length > 200 ? `${JSON.stringify(value.slice(0, 100))}... (${value.length} characters)` : JSON.stringify(value);
  throw new ServicehostError('ERR_INVALID_ARG_VALUE', `systemd ${setting}=: ${shown} ${why}`);
}

// systemd's own limits: a value past one is not an error at install time but
// a unit that fails to load, or a setting it drops or changes with a warning
// in the journal. Each is refused here, so what is installed is what runs.
/** A unit file line of this many bytes or more fails the whole unit (read_line's LONG_LINE_MAX). */
export const LONG_LINE_MAX = 1024 * 1024;
/** A path setting of this many bytes or more is dropped (PATH_MAX, the NUL included). */
const PATH_MAX = 4096;
/** A path component longer than this is dropped (NAME_MAX). */
const NAME_MAX = 255;
/** uid_is_valid(): 0..2^32-2, but not 65535 (the 16-bit -1). */
const UID_MAX = 4294967294;

/** A lone UTF-16 surrogate is written as U+FFFD: the value would change on the way. */
function rejectLoneSurrogates(setting: string, value: string): void {
  if (/\p{Cs}/u.test(value)) reject(setting, value, 'contains a lone UTF-16 surrogate, which has no UTF-8 form');
}

function checkPathLimits(setting: string, value: string): void {
  if (Buffer.byteLength(value) >= PATH_MAX) reject(setting, value, `is ${Buffer.byteLength(value)} bytes long; systemd takes a path of at most ${PATH_MAX - 1}`);
  const long = value.split('/').find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (long !== undefined) reject(setting, value, `has a name of ${Buffer.byteLength(long)} bytes; systemd takes at most ${NAME_MAX} per name`);
}

function escapeCharacter(character: string, options: { dollar: boolean }): string {
  switch (character) {
    case '\\': return '\\\\';
    case '"': return '\\"';
    case '\n': return '\\n';
    case '\t': return '\\t';
    case '\r': return '\\r';
    // Specifiers (%n, %h...) are expanded in every setting; %% is a literal %.
    case '%': return '%%';
    // $VAR is expanded in command lines; $$ is a literal $.
    case '$': return options.dollar ? '$$' : '$';
    default: {
      const code = character.codePointAt(0)!;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : character;
    }
  }
}

/**
 * One word of a command line or a list: quoted (with C escapes) unless it is
 * plain, so that systemd's unquoting gives back exactly `word`.
 */
export function quoteSystemdWord(word: string, options: { dollar: boolean } = { dollar: true }): string {
  if (word.includes('\0')) reject('ExecStart', word, 'contains a NUL character');
  rejectLoneSurrogates('ExecStart', word);
  // A lone ";" separates commands, quoted or not; "\;" is the literal.
  if (word === ';') return '\\;';
  const escaped = Array.from(word, (character) => escapeCharacter(character, options)).join('');
  return /^[A-Za-z0-9_@+=:,./%$-]+$/u.test(word) ? escaped : `"${escaped}"`;
}

/** A free-text value (Description=): specifiers escaped; what would end or continue the line rejected. */
export function escapeSystemdText(setting: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(value)) reject(setting, value, 'contains a line break or another control character');
  if (value.endsWith('\\')) reject(setting, value, 'ends with a backslash, which would join the next line');
  // systemd strips a value's leading and trailing spaces: it would read another value.
  if (value.startsWith(' ') || value.endsWith(' ')) reject(setting, value, 'begins or ends with a space, which systemd strips');
  rejectLoneSurrogates(setting, value);
  return value.replaceAll('%', '%%');
}

/** An absolute path setting (WorkingDirectory=): taken verbatim after specifiers. */
export function escapeSystemdPath(setting: string, value: string): string {
  if (!path.posix.isAbsolute(value)) reject(setting, value, 'is not an absolute path');
  checkPathLimits(setting, value);
  return escapeSystemdText(setting, value);
}

/**
 * The program of a command line (ExecStart=, ExecReload=): systemd runs this
 * path as written, with no $VAR expansion (so neither $$ nor $ can carry a
 * '$' to both the path and argv[0]), and refuses one holding a quote or a
 * backslash ("special characters"): each is refused here.
 */
export function checkSystemdProgram(setting: string, value: string): string {
  if (!path.posix.isAbsolute(value)) reject(setting, value, 'must start with an absolute path to node');
  if (/["'\\$]/u.test(value)) reject(setting, value, "holds a quote, a backslash or a '$', which systemd does not take in a program's path");
  checkPathLimits(setting, value);
  return value;
}

/** User=, Group=: systemd accepts a name in this shape, or a numeric id other than 65535 and 4294967295. */
export function checkSystemdUserName(setting: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$|^(0|[1-9][0-9]{0,9})$/u.test(value)) reject(setting, value, 'is not a valid user or group name');
  if (/^[0-9]+$/u.test(value) && (Number(value) > UID_MAX || Number(value) === 65535)) {
    reject(setting, value, `is not an id systemd takes (0 to ${UID_MAX}, but not 65535)`);
  }
  return value;
}

function checkUnitName(setting: string, value: string): string {
  if (!/^[A-Za-z0-9_.:@-]+\.(target|service|socket|path|timer|mount)$/u.test(value)) reject(setting, value, 'is not a unit name');
  return value;
}

function seconds(milliseconds: number): number {
  return Math.ceil(milliseconds / 1000);
}

/** The hardening set, opt-in: each keeps a Node service working and takes away what it should not need. */
const HARDENING = [
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=read-only',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'RestrictSUIDSGID=yes',
  'RestrictRealtime=yes',
  'RestrictNamespaces=yes',
  'LockPersonality=yes',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'SystemCallArchitectures=native',
];

/** The ExecReload= helper, in the installed package. */
export const RELOAD_HELPER = path.join(__dirname, '..', '..', 'hosts', 'systemd', 'reload-wait.js');

/**
 * The ExecReload= helper a unit for `spec` runs (undefined for
 * Type=notify-reload): beside the register preload the unit already runs,
 * when it runs one, so both come from the same installed copy.
 */
export function reloadHelperOf(spec: ResolvedSpec): string | undefined {
  if (spec.systemd.type === 'notify-reload') return undefined;
  return spec.registerModule === undefined ? RELOAD_HELPER : path.join(path.dirname(spec.registerModule), 'hosts', 'systemd', 'reload-wait.js');
}

/**
 * `spec` for the systemd it is installed on (`version`; undefined when it
 * could not be told): Type=notify-reload on 253 and later unless a type was
 * asked for, else Type=notify with the ExecReload= helper; what that systemd
 * does not have is refused rather than written into a unit it cannot load.
 */
export function specForSystemd(spec: ResolvedSpec, version: number | undefined): ResolvedSpec {
  const refuse = (what: string, since: number): never => {
    throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${what} needs systemd ${since} or later; the target runs systemd ${version}`);
  };
  if (version !== undefined && version < NOTIFY_RELOAD_SINCE && spec.systemd.type === 'notify-reload') refuse('systemd.type notify-reload', NOTIFY_RELOAD_SINCE);
  if (version !== undefined && version < CREDENTIALS_SINCE && Object.keys(spec.credentials).length > 0) refuse('--credential (LoadCredential=)', CREDENTIALS_SINCE);
  const type = spec.systemd.type ?? (version !== undefined && version >= NOTIFY_RELOAD_SINCE ? 'notify-reload' : 'notify');
  return { ...spec, systemd: { ...spec.systemd, type } };
}

/** The unit's own folder under /run (or $XDG_RUNTIME_DIR), where the reload handshake happens. */
export function runtimeDirectoryName(name: string): string {
  return `servicehost-${name}`;
}

export interface SystemdUnitContext {
  /** servicehost's version, for the marker comment. */
  version: string;
}

/** The unit file for `spec`, as text. Throws a typed error for a value no escaping can carry. */
export function renderSystemdUnit(spec: ResolvedSpec, context: SystemdUnitContext): string {
  const options = spec.systemd;
  const user = options.user === true;
  // --listen: systemd holds the sockets (socket-unit.ts); the service needs them up first and inherits them.
  const sockets = socketUnitNames(spec.name, options.listen?.length ?? 0).join(' ');
  checkSystemdProgram('ExecStart', spec.node);
  const execStart = [spec.node, ...programArguments(spec)].map((word) => quoteSystemdWord(word)).join(' ');
  const lines = [
    `${UNIT_MARKER} servicehost ${context.version}; \`servicehost uninstall ${spec.name}\` removes it.`,
    '[Unit]',
    `Description=${escapeSystemdText('Description', spec.description === '' ? spec.displayName : spec.description)}`,
    ...(sockets === '' ? ['After=network.target'] : [`Requires=${sockets}`, `After=network.target ${sockets}`]),
    '',
    '[Service]',
    // The program says READY=1 when it is: Service.start() does.
    `Type=${options.type ?? 'notify'}`,
    'NotifyAccess=main',
    ...(sockets === '' ? [] : [`Sockets=${sockets}`]),
    `ExecStart=${execStart}`,
    `WorkingDirectory=${escapeSystemdPath('WorkingDirectory', spec.workingDirectory)}`,
  ];
  const reloadHelper = reloadHelperOf(spec);
  const handshake = reloadHelper === undefined ? (options.type === 'notify-reload' ? { [NOTIFY_RELOAD_VARIABLE]: '1' } : {}) : { [RELOAD_ACK_VARIABLE]: '1' };
  for (const [key, value] of Object.entries({ ...serviceEnvironment(spec), ...handshake })) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/u.test(key)) reject('Environment', key, 'is not a valid variable name');
    lines.push(`Environment=${quoteSystemdWord(`${key}=${value}`, { dollar: false })}`);
  }
  // Read at each start; EnvironmentFile= values override Environment= ones.
  for (const file of spec.envFiles) lines.push(`EnvironmentFile=${escapeSystemdPath('EnvironmentFile', file)}`);
  // systemd copies each into $CREDENTIALS_DIRECTORY, readable by the service alone.
  for (const [name, file] of Object.entries(spec.credentials)) lines.push(`LoadCredential=${name}:${escapeSystemdPath('LoadCredential', file)}`);
  // systemctl reload returns once the reload listeners settled. On systemd 252
  // and older (no Type=notify-reload) the helper signals SIGHUP and waits for
  // the program's acknowledgement in the runtime directory ($MAINPID stays
  // unescaped: systemd expands it). Type=notify-reload (253 and later, chosen by
  // specForSystemd) is systemd's own handshake: SIGHUP, RELOADING=1, READY=1.
  if (reloadHelper !== undefined) {
    lines.push(
      `RuntimeDirectory=${runtimeDirectoryName(spec.name)}`,
      'RuntimeDirectoryMode=0700',
      `ExecReload=${[spec.node, reloadHelper].map((word) => quoteSystemdWord(word)).join(' ')} $MAINPID`,
    );
  }
  if (!user && options.dynamicUser) lines.push('DynamicUser=yes');
  if (!user && options.runAs?.user !== undefined) lines.push(`User=${checkSystemdUserName('User', options.runAs.user)}`);
  if (!user && options.runAs?.group !== undefined) lines.push(`Group=${checkSystemdUserName('Group', options.runAs.group)}`);
  lines.push(
    `Restart=${options.restart ?? 'on-failure'}`,
    `RestartSec=${options.restartSec ?? 1}`,
    // The program's own deadline plus 5 s, so systemd's SIGKILL never cuts an orderly teardown short.
    `TimeoutStopSec=${seconds(spec.stopTimeoutMs) + 5}`,
    // SIGTERM to the main process only; the rest of the group gets SIGKILL at the deadline.
    'KillMode=mixed',
  );
  if (options.watchdogSec !== undefined) lines.push(`WatchdogSec=${options.watchdogSec}`);
  if (options.hardening) {
    lines.push(...HARDENING);
    const writable = [spec.workingDirectory, ...(typeof options.hardening === 'object' ? options.hardening.readWritePaths ?? [] : [])];
    for (const writablePath of writable) {
      if (!path.posix.isAbsolute(writablePath)) reject('ReadWritePaths', writablePath, 'is not an absolute path');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/u.test(writablePath)) reject('ReadWritePaths', writablePath, 'contains a control character');
      checkPathLimits('ReadWritePaths', writablePath);
      // ProtectSystem=strict with / writable is no sandbox at all.
      if (path.posix.resolve(writablePath) === '/') reject('ReadWritePaths', writablePath, 'would make the whole file system writable again');
    }
    lines.push(`ReadWritePaths=${writable.map((writablePath) => quoteSystemdWord(writablePath, { dollar: false })).join(' ')}`);
  }
  // --on-demand: no WantedBy=, so only the sockets start at boot; Also= enables and disables them with the service.
  const wantedBy = options.onDemand ? [] : [`WantedBy=${checkUnitName('WantedBy', options.wantedBy ?? (user ? 'default.target' : 'multi-user.target'))}`];
  lines.push('', '[Install]', ...wantedBy, ...(sockets === '' ? [] : [`Also=${sockets}`]), '');
  for (const line of lines) {
    if (Buffer.byteLength(line) >= LONG_LINE_MAX) reject(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1), `makes a line of ${Buffer.byteLength(line)} bytes; systemd reads at most ${LONG_LINE_MAX - 1}`);
  }
  return lines.join('\n');
}

/**
 * Splits a command line back into words by systemd's rules (quotes, C
 * escapes, %% and $$), for reading an installed unit back.
 */
export function parseSystemdCommandLine(line: string): string[] {
  const words: string[] = [];
  let index = 0;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };
  while (index < line.length) {
    while (line[index] === ' ' || line[index] === '\t') index += 1;
    if (index >= line.length) break;
    let word = '';
    let quote: string | undefined;
    for (; index < line.length; index += 1) {
      const character = line[index]!;
      if (quote === undefined && (character === ' ' || character === '\t')) break;
      if (character === '"' || character === "'") {
        if (quote === undefined) quote = character;
        else if (quote === character) quote = undefined;
        else word += character;
        continue;
      }
      if ((character === '%' || character === '$') && line[index + 1] === character) {
        word += character;
        index += 1;
        continue;
      }
      if (character === '\\') {
        const next = line[index + 1] ?? '';
        if (next === 'x') {
          word += String.fromCharCode(Number.parseInt(line.slice(index + 2, index + 4), 16));
          index += 3;
        } else if (next in simple) {
          word += simple[next];
          index += 1;
        } else {
          word += `\\${next}`;
          index += 1;
        }
        continue;
      }
      word += character;
    }
    words.push(word === '\\;' ? ';' : word);
  }
  return words;
}
