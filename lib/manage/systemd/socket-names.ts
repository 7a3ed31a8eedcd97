// The names of a service's socket units, one per `--listen`: the service
// unit (Requires=, After=, Sockets=, Also=) and the socket units themselves
// are written from this one rule, and the addresses are checked once here.
import { ServicehostError } from '../../errors';
import { formatListenAddress, parseNamedListen, type NamedListenAddress } from '../../lifecycle/listen-address';

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
