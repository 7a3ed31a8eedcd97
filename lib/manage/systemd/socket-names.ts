// The names of a service's units: its service unit, and its socket units,
// one per `--listen`: the service unit (Requires=, After=, Sockets=, Also=)
// and the socket units themselves are written from this one rule, systemctl
// is asked by it, and the addresses are checked once here.
import { ServicehostError } from '../../errors';
import { formatListenAddress, parseNamedListen, type NamedListenAddress } from '../../lifecycle/listen-address';

/** The service unit of the service `name`: `<name>.service`. */
export function serviceUnitName(name: string): string {
  return `${name}.service`;
}

/**
 * The socket units of systemctl show's TriggeredBy= (a list of units, split at
 * spaces): those that start the service `name`. systemd lists them in no fixed
 * order (seen reversed on 257), so they come in the order install wrote them
 * (socketUnitNames, the order of --listen), as the unit's Sockets= has them
 * locally; any other socket after those, by name.
 */
export function triggeringSockets(triggeredBy: string | undefined, name: string): string[] {
  const units = (triggeredBy ?? '').split(' ').filter((unit) => unit.endsWith('.socket'));
  const ours = socketUnitNames(name, units.length);
  const rank = (unit: string): number => {
    const index = ours.indexOf(unit);
    return index === -1 ? ours.length : index;
  };
  return units.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** `<name>.socket` for the first address, then `<name>-2.socket`, `<name>-3.socket`, ... */
export function socketUnitNames(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => (index === 0 ? `${name}.socket` : `${name}-${index + 1}.socket`));
}

/**
 * systemd.listen, checked: each `[name=]address` readable, and no address or
 * name given twice (two sockets on one port cannot both bind; a name must say
 * which socket it is).
 */
export function checkListen(where: string, value: unknown): NamedListenAddress[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where} must be an array of ports, host:port or socket paths`);
  const parsed = value.map((entry: unknown, index) => parseNamedListen(`${where}[${index}]`, entry));
  parsed.forEach((entry, index) => {
    const earlier = parsed.slice(0, index);
    if (earlier.some((other) => formatListenAddress(other.address) === formatListenAddress(entry.address))) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}[${index}]: ${formatListenAddress(entry.address)} is given twice`);
    }
    if (earlier.some((other) => other.name === entry.name)) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}[${index}]: the socket name ${JSON.stringify(entry.name)} is given twice; name each address (name=address)`);
    }
  });
  return parsed;
}

/** SocketMode= of a socket path when none is asked for: its owner and group connect, no one else. */
export const DEFAULT_SOCKET_MODE = '0660';
/** SocketMode= where a socket unit sets none: systemd's own default, everyone connects. */
export const SYSTEMD_SOCKET_MODE = '0666';

/**
 * systemd.listenMode and systemd.listenGroup (`--listen-mode`,
 * `--listen-group`), checked against systemd.listen as checkListen read it: who may connect to a socket path. They open a
 * socket file deliberately, so they are refused where there is none to open.
 * (The group's name is checked where it is written, as runAs.group's is.)
 */
export function checkSocketAccess(where: string, options: { listenMode?: unknown; listenGroup?: unknown }, listen: readonly NamedListenAddress[]): void {
  const paths = listen.filter((entry) => entry.address.kind === 'unix');
  for (const key of ['listenMode', 'listenGroup'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new ServicehostError('ERR_INVALID_ARG_TYPE', `${where}.${key} must be a string${key === 'listenMode' ? " of octal digits, such as '0660'" : ': a group name'}; got ${value === null ? 'null' : typeof value}`);
    if (key === 'listenMode' && !/^0?[0-7]{3}$/u.test(value)) throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.listenMode: ${JSON.stringify(value)} is not a file mode: give three octal digits, such as 0660 or 0666`);
    if (paths.length === 0) {
      throw new ServicehostError('ERR_INVALID_ARG_VALUE', `${where}.${key} says who may connect to a socket file, and systemd.listen (--listen) names none: give a /path.sock, or leave it out (a port is open to whoever can reach it)`);
    }
  }
}
