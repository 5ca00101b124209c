/**
 * Which upstream hosts Northstation may talk to. Patient data must not leave
 * the site, so an upstream URL is only usable when its host is on the list.
 *
 * Rules:
 * - An entry is a CIDR range (`10.0.0.0/8`, `fc00::/7`), a single address
 *   (`10.1.2.3`, `::1`) or an exact hostname (`gpu-01.ward.example`).
 * - An IP literal host is allowed when a range or address entry covers it.
 * - A hostname listed itself is trusted whatever it resolves to (the site
 *   named it on purpose).
 * - Any other hostname is resolved with `dns.lookup` at start-up and allowed
 *   only when every address it resolves to is covered; the same check runs
 *   again at each new connection (`guardedLookup`), so a later DNS change
 *   cannot redirect traffic to an address outside the list.
 */
import { BlockList, isIP, type LookupFunction } from 'node:net';
import dns from 'node:dns';
import { NorthstationError } from '../../core/errors.ts';

/**
 * Loopback and private ranges. Link-local (169.254/16, where cloud metadata
 * services live) and every public address are deliberately absent.
 */
export const defaultAllowList: readonly string[] = [
  'localhost',
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

export interface AllowList {
  /** True when a listed range or address covers this IP address. */
  allowsAddress(address: string): boolean;
  /** True when this exact hostname is listed (case-insensitive). */
  listsHostname(hostname: string): boolean;
  readonly entries: readonly string[];
}

/** Parses allow-list entries; a malformed entry is `config_invalid` naming it. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const ranges = new BlockList();
  const hostnames = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(address);
    if (family !== 0 && extra === undefined) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const maxPrefix = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || prefixText === '') {
        throw invalidEntry(raw);
      }
      ranges.addSubnet(address, prefix, type);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hostnames.add(entry);
    } else {
      throw invalidEntry(raw);
    }
  }
  return {
    entries: [...entries],
    allowsAddress: (address) => {
      const plain = unmapIpv4(address);
      const family = isIP(plain);
      if (family === 0) return false;
      return ranges.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
    listsHostname: (hostname) => hostnames.has(hostname.toLowerCase()),
  };
}

export type LookupAll = (hostname: string) => Promise<readonly { address: string }[]>;

const systemLookupAll: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true });

/**
 * Throws `upstream_refused` unless `url`'s host is allowed; resolves
 * hostnames that are not listed themselves. No connection is made.
 */
export async function assertUpstreamAllowed(
  url: URL,
  allowList: AllowList,
  lookupAll: LookupAll = systemLookupAll,
): Promise<void> {
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    if (!allowList.allowsAddress(host)) throw refused(host, `${host} is not in an allowed range`);
    return;
  }
  if (allowList.listsHostname(host)) return;
  let addresses: readonly { address: string }[];
  try {
    addresses = await lookupAll(host);
  } catch (error) {
    throw refused(host, `${host} could not be resolved (${(error as Error).message}), so it cannot be checked`);
  }
  const outside = addresses.filter((entry) => !allowList.allowsAddress(entry.address)).map((entry) => entry.address);
  if (addresses.length === 0 || outside.length > 0) {
    throw refused(host, `${host} resolves to ${outside.join(', ') || 'nothing'}, outside the allowed ranges`);
  }
}

/**
 * A `lookup` for http.request that repeats the allow-list check at each new
 * connection. Node skips lookup for IP literals, which start-up already checked.
 */
export function guardedLookup(allowList: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '');
        return;
      }
      if (!allowList.listsHostname(hostname)) {
        const outside = addresses.find((entry) => !allowList.allowsAddress(entry.address));
        if (outside || addresses.length === 0) {
          const reason = `${hostname} now resolves to ${outside?.address ?? 'nothing'}, outside the allowed ranges`;
          callback(refused(hostname, reason), '');
          return;
        }
      }
      const first = addresses[0];
      if (options.all === true || first === undefined) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** `::ffff:10.0.0.1`, or `::ffff:a00:1` as URLs spell it, is the IPv4 address 10.0.0.1. */
function unmapIpv4(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted?.[1] !== undefined) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] === undefined || hex[2] === undefined) return address;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function refused(host: string, reason: string): NorthstationError {
  return new NorthstationError(
    'upstream_refused',
    `upstream host refused: ${reason}. Patient data must stay on site; if this host is inside the site network, ` +
      `add it (or its CIDR range) to the OpenAI backend's allowList`,
    { host },
  );
}

function invalidEntry(entry: string): NorthstationError {
  return new NorthstationError(
    'config_invalid',
    `allow-list entry ${JSON.stringify(entry)} is not a CIDR range, an IP address or a hostname`,
    { entry },
  );
}
