// The socket units of `servicehost install --listen` (systemd.listen): one
// per address, each naming its socket with FileDescriptorName=, so that
// systemd holds the listening sockets across a restart of the service and the
// program takes them with service.listen(). The service unit names them in
// Sockets= (how uninstall, stop and query find them again).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import { formatListenAddress, readListenAddress, type ListenAddress } from '../../lifecycle/listen-address';
import { ServiceManagerError } from '../errors';
import type { ResolvedSpec } from '../spec';
import type { ServiceInfo } from '../types';
import { DEFAULT_SOCKET_MODE, SYSTEMD_SOCKET_MODE, serviceUnitName, socketUnitNames } from './socket-names';
import { checkSystemdUserName, escapeSystemdPath, escapeSystemdText, UNIT_MARKER } from './unit';

interface SocketUnitFile {
  /** web.socket */
  unit: string;
  /** Where it is written. */
  path: string;
  text: string;
}

/** The socket unit files for `spec` in `directory` (none without systemd.listen). Throws for a value no unit can carry. */
export function renderSocketUnits(spec: ResolvedSpec, directory: string, context: { version: string }): SocketUnitFile[] {
  const units = socketUnitNames(spec.name, spec.listen.length);
  return spec.listen.map(({ address, name }, index) => {
    const listenStream = address.kind === 'unix' ? escapeSystemdPath('ListenStream', address.path) : formatListenAddress(address);
    const about = spec.description === '' ? spec.displayName : spec.description;
    const lines = [
      `${UNIT_MARKER} servicehost ${context.version}; \`servicehost uninstall ${spec.name}\` removes it.`,
      '[Unit]',
      `Description=${escapeSystemdText('Description', `${about} (listening on ${formatListenAddress(address)})`)}`,
      '',
      '[Socket]',
      `ListenStream=${listenStream}`,
      // service.listen() finds its socket by this name (or by its port or path).
      `FileDescriptorName=${name}`,
      `Service=${serviceUnitName(spec.name)}`,
      // A socket file of a stopped socket would be refused as in use at the next start.
      ...(address.kind === 'unix' ? ['RemoveOnStop=yes', ...socketFileAccess(spec)] : []),
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '',
    ];
    return { unit: units[index]!, path: path.join(directory, units[index]!), text: lines.join('\n') };
  });
}

/**
 * Who may connect to a socket file. systemd's own default is 0666, anyone on
 * the machine; servicehost's is 0660, owned by the service's account (User=,
 * whose primary group systemd takes unless Group= is given) or else by root,
 * or for a user unit by the user. `listenGroup` names the group that may
 * connect (a web server's, say); `listenMode` opens it further, deliberately.
 */
function socketFileAccess(spec: ResolvedSpec): string[] {
  const options = spec.systemd;
  // A user manager cannot give a file away; DynamicUser='s account exists only while the service runs.
  const system = options.user !== true && options.dynamicUser !== true;
  const owner = system ? options.runAs?.user : undefined;
  const group = options.listenGroup ?? (system ? options.runAs?.group : undefined);
  return [
    `SocketMode=${options.listenMode ?? DEFAULT_SOCKET_MODE}`,
    ...(owner === undefined ? [] : [`SocketUser=${checkSystemdUserName('SocketUser', owner)}`]),
    ...(group === undefined ? [] : [`SocketGroup=${checkSystemdUserName('SocketGroup', group)}`]),
  ];
}

/** Refuses an install whose socket unit files are already there (another service's, or left over). */
export function requireNoSocketFiles(name: string, files: readonly SocketUnitFile[]): void {
  const present = files.find((file) => existsSync(file.path));
  if (present) {
    throw new ServiceManagerError('ERR_SERVICEHOST_SERVICE_EXISTS', name, `Cannot install "${name}": ${present.path} already exists. Remove it first, or choose another name`);
  }
}

/** The socket units our service unit file names (its Sockets= line); none when it has none or is gone. */
export function installedSocketUnits(serviceFile: string): string[] {
  let text: string;
  try {
    text = readFileSync(serviceFile, 'utf8');
  } catch {
    return [];
  }
  if (!text.startsWith(UNIT_MARKER)) return [];
  const line = text.split('\n').find((candidate) => candidate.startsWith('Sockets='));
  return line === undefined ? [] : line.slice('Sockets='.length).split(' ').filter((unit) => /^[A-Za-z0-9_.:-]+\.socket$/u.test(unit));
}

/** Removes the socket unit files beside `serviceFile` (ours: each begins with the marker). */
export function removeSocketFiles(serviceFile: string, units: readonly string[]): void {
  for (const unit of units) {
    const file = path.join(path.dirname(serviceFile), unit);
    if (existsSync(file) && readFileSync(file, 'utf8').startsWith(UNIT_MARKER)) rmSync(file, { force: true });
  }
}

/** What query() reports of a socket unit, on this machine and on another alike. */
export type SocketInfo = NonNullable<NonNullable<ServiceInfo['systemd']>['sockets']>[number];

/**
 * A socket's address in one form, from a unit file's ListenStream= or from
 * `systemctl show`'s Listen= (`[::]:8080 (Stream)`): as `--listen` writes it,
 * a port alone for every address (systemd binds `[::]` for it), an IPv6
 * address in its canonical text; anything else as systemd has it.
 */
export function socketAddressText(listen: string): string {
  const text = listen.replace(/ \([A-Za-z]+\)$/u, '');
  let address: ListenAddress | undefined;
  try {
    address = readListenAddress('ListenStream=', text);
  } catch {
    return text;
  }
  if (address === undefined) return text;
  if (address.kind === 'tcp' && address.host !== undefined && net.isIPv6(address.host)) {
    const host = new net.SocketAddress({ address: address.host, family: 'ipv6' }).address;
    return formatListenAddress(host === '::' ? { kind: 'tcp', port: address.port } : { ...address, host });
  }
  return formatListenAddress(address);
}

/**
 * One socket of query(): its unit, address and FileDescriptorName=, and for a
 * socket file who may connect: SocketMode= as four octal digits (systemd's
 * own default, 0666, where the unit sets none) and SocketGroup= when set.
 */
export function socketInfoOf(unit: string, settings: { listen: string; name: string; mode?: string | undefined; group?: string | undefined }): SocketInfo {
  const address = socketAddressText(settings.listen);
  if (!address.startsWith('/')) return { unit, address, name: settings.name };
  const mode = /^[0-7]{3,4}$/u.test(settings.mode ?? '') ? settings.mode!.padStart(4, '0') : SYSTEMD_SOCKET_MODE;
  return { unit, address, name: settings.name, mode, ...(settings.group ? { group: settings.group } : {}) };
}

/** What query() reports of each socket of our service unit file, read from the socket unit files. */
export function readSocketUnits(serviceFile: string): SocketInfo[] {
  return installedSocketUnits(serviceFile).flatMap((unit) => {
    let text: string;
    try {
      text = readFileSync(path.join(path.dirname(serviceFile), unit), 'utf8');
    } catch {
      return [];
    }
    const setting = (key: string) => text.split('\n').find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);
    return [socketInfoOf(unit, { listen: (setting('ListenStream') ?? '').replaceAll('%%', '%'), name: setting('FileDescriptorName') ?? '', mode: setting('SocketMode'), group: setting('SocketGroup') })];
  });
}

/** Warnings of install and configure: a socket file any local user may connect to (--listen-mode with o+w). */
export function socketAccessWarnings(spec: ResolvedSpec): string[] {
  const mode = spec.systemd.listenMode;
  if (mode === undefined || (Number.parseInt(mode, 8) & 0o002) === 0) return [];
  const paths = spec.listen.flatMap((entry) => (entry.address.kind === 'unix' ? [entry.address.path] : []));
  return [`--listen-mode ${mode} (systemd.listenMode) lets every local user connect to ${paths.join(', ')}: leave it out (0660) and name the group that may connect with --listen-group, unless everyone is meant to`];
}

/**
 * Starts the socket units at install: each binds its address now. A failure
 * (the port in use, a path it cannot create) is the install's start failing
 * (exit 8), said in those words; the caller rolls the install back.
 */
export async function startSocketUnits(name: string, files: readonly SocketUnitFile[], start: (units: string[]) => Promise<unknown>): Promise<void> {
  if (files.length === 0) return;
  const units = files.map((file) => file.unit);
  try {
    await start(units);
  } catch (error) {
    if (!(error instanceof ServiceManagerError) || error.code !== 'ERR_SERVICEHOST_COMMAND_FAILED') throw error;
    throw new ServiceManagerError(
      'ERR_SERVICEHOST_START_FAILED',
      name,
      `"${name}": its socket (${units.join(', ')}) could not start listening: is the port in use, or the socket's folder missing? The install is rolled back, so nothing of it is left. \`journalctl -u ${units[0]}\` says why`,
      error,
    );
  }
}
