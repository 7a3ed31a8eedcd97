// A service's name, checked the same way wherever one comes in (install,
// every verb, a launchd label): what the service managers and their
// command-line tools accept, and what servicehost's own folders need.
import { ServicehostError } from '../errors';
import { ServiceManagerError } from './errors';

/** The Windows SCM's limit for a service name. */
export const MAX_SERVICE_NAME_LENGTH = 256;

/**
 * Checks a service name: non-empty, at most 256 characters, no '/' or '\' and
 * no control characters. systemd and launchd also need it to be a valid unit
 * or label: letters, digits and `_ . : -` only.
 */
export function checkServiceName(name: unknown, platform: 'windows' | 'systemd' | 'launchd'): string {
  if (typeof name !== 'string') {
    throw new ServicehostError('ERR_INVALID_ARG_TYPE', `The service name must be a string; got ${name === null ? 'null' : typeof name}`);
  }
  const fail = (why: string): never => {
    throw new ServiceManagerError('ERR_SERVICEHOST_INVALID_SERVICE_NAME', name, `Invalid service name ${JSON.stringify(name)}: ${why}`);
  };
  if (name === '') fail('it is empty');
  if (name.length > MAX_SERVICE_NAME_LENGTH) fail(`it is ${name.length} characters long; the limit is ${MAX_SERVICE_NAME_LENGTH}`);
  if (/[/\\]/u.test(name)) fail("it contains '/' or '\\'");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(name)) fail('it contains a control character');
  if (platform !== 'windows' && !/^[A-Za-z0-9_.:-]+$/u.test(name)) {
    fail(`a ${platform === 'systemd' ? 'systemd unit' : 'launchd label'} may hold only letters, digits and _ . : -`);
  }
  if (platform !== 'windows' && name.startsWith('.')) fail('it starts with a dot');
  // systemctl and launchctl would read it as an option (-Hevil.service is -H evil.service: an SSH host).
  if (platform !== 'windows' && name.startsWith('-')) fail('it starts with a dash, which systemctl and launchctl would read as an option');
  return name;
}

/**
 * What a new systemd unit's name must also be: its RuntimeDirectory=
 * (servicehost-<name>, the reload handshake's folder) reads ':' as the start
 * of a symlink target, so "web:x" would share "web"'s folder; and that folder
 * name must fit in 255 bytes. Checked where a unit is written, so that units
 * installed before can still be stopped and removed.
 */
export function checkNewSystemdUnitName(name: string): void {
  const fail = (why: string): never => {
    throw new ServiceManagerError('ERR_SERVICEHOST_INVALID_SERVICE_NAME', name, `Invalid service name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.includes(':')) fail(`a systemd service name may not hold ':': RuntimeDirectory=servicehost-${name} would be read as the folder servicehost-${name.split(':')[0]} and a link`);
  if (name.length > MAX_SYSTEMD_NAME_LENGTH) fail(`it is ${name.length} characters long; a systemd service's limit is ${MAX_SYSTEMD_NAME_LENGTH} (its folder servicehost-<name> must fit in 255)`);
}

/** 255 (a file name) less 'servicehost-', the runtime folder's prefix. */
export const MAX_SYSTEMD_NAME_LENGTH = 243;
