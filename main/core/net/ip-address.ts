// IP addresses and CIDR ranges, the one place that reads them: client addresses from sockets,
// listen and upstream hosts, allowlists and suspensions, and the addresses Received fields write
// (`[192.0.2.1]`, `[IPv6:2001:db8::1]` per RFC 5321 §4.1.3, `[192.0.2.1]:25`, `[fe80::1%9]`).
//
// Rules, the same for every caller:
// - Only the strict forms count (dotted-quad IPv4, RFC 4291 IPv6, as Node's `isIP` accepts them):
//   `127.1` or `0x7f.0.0.1` are host names, not addresses, so nobody is trusted by accident.
// - An IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, `::ffff:192.0.2.1`) is the IPv4 client it
//   stands for on a dual-stack socket; it is reported, matched and scoped as IPv4.
// - A zone id (`fe80::1%eth0`) only means something on the machine that wrote it: dropped.
// - Other IPv6 text is kept as written, so hops are shown with the address their server wrote.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { BoundedMap } from '../limits/bounded-map.js';

import type { IpScope } from '../../../preload/route-contract.js';

export type { IpScope };
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const ipv6Prefix = /^ipv6:/i;
const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
// Most words in a Received field are host names: turned away before the costlier checks.
const startsLikeIp = /^\s*\[?(?:ipv6:)?[\da-f:]/i;

/**
 * The bare address, or null when the text is not one. Brackets, an `IPv6:` tag, a zone id and a
 * port after an IPv4 address are taken off; an IPv4-mapped address comes back as IPv4.
 */
export function normalizeIp(text: string): string | null {
  if (!startsLikeIp.test(text)) return null;
  let value = text.trim().replace(/^\[/, '').replace(/\]$/, '').replace(ipv6Prefix, '');
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  value = ipv4WithPort.exec(value)?.[1] ?? value;
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return null;
  // only IPv4-mapped addresses change, and those have a group written "ffff"
  if (!/ffff/i.test(value)) return value;
  const address = ipaddr.IPv6.parse(value);
  return address.isIPv4MappedAddress() ? address.toIPv4Address().toString() : value;
}

/** A socket's remote address in plain form (see normalizeIp); what is not an address is kept. */
export function normalizeClientIp(address: string | undefined): string {
  if (!address) return '';
  return normalizeIp(address) ?? address;
}

// Every SMTP command asks about its client's address again (trust, suspensions, quotas, the
// reverse lookup): about twenty parses per message, a twelfth of all the SMTP thread allocated
// under load. Parsed once per distinct text instead; callers only read the result.
const parsedIps = new BoundedMap<string, IpAddress | null>(1024);

/**
 * The address as ipaddr.js reads it after normalizeIp, or null when the text is not one. The
 * same object for the same text: read it, never change it.
 */
export function parseIp(text: string): IpAddress | null {
  const known = parsedIps.get(text);
  if (known !== undefined) return known;
  const ip = normalizeIp(text);
  const parsed = ip === null ? null : ipaddr.parse(ip);
  parsedIps.set(text, parsed);
  return parsed;
}

/** 127.0.0.0/8 and ::1, in any spelling (`::ffff:127.0.0.1`, `[::1]`, `0:0:0:0:0:0:0:1`). */
export function isLoopbackIp(text: string): boolean {
  return parseIp(text)?.range() === 'loopback';
}

/**
 * Whether a host (listen address, upstream host) is reachable only from this machine: a loopback
 * address, or `localhost`. Other names, `*.localhost` included, are only as local as the resolver
 * makes them, and this answer decides whether a password and TLS may be skipped.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase();
  return bare === 'localhost' || isLoopbackIp(bare);
}

// RFC 6890 special-purpose ranges, as ipaddr.subnetMatch reads them (first match wins);
// everything else is public.
const cidrs = (...ranges: string[]): [IpAddress, number][] =>
  ranges.map((range) => ipaddr.parseCIDR(range));
const scopeRanges: Record<Exclude<IpScope, 'public'>, [IpAddress, number][]> = {
  unspecified: cidrs('0.0.0.0/8', '::/128'),
  private: cidrs('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'),
  shared: cidrs('100.64.0.0/10'),
  loopback: cidrs('127.0.0.0/8', '::1/128'),
  'link-local': cidrs('169.254.0.0/16', 'fe80::/10'),
  'unique-local': cidrs('fc00::/7'),
  documentation: cidrs('192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'),
  multicast: cidrs('224.0.0.0/4', 'ff00::/8'),
  reserved: cidrs('198.18.0.0/15', '240.0.0.0/4'),
};

/** Where a bare address (as normalizeIp returns it) sits; null when it is not an address. */
export function ipScope(address: string): IpScope | null {
  if (!isIP(address)) return null;
  return ipaddr.subnetMatch(ipaddr.parse(address), scopeRanges, 'public') as IpScope;
}

/** Addresses that cannot be reached from the Internet, i.e. inside someone's network. */
export function isPrivateScope(scope: IpScope): boolean {
  return (
    scope === 'private' ||
    scope === 'shared' ||
    scope === 'loopback' ||
    scope === 'link-local' ||
    scope === 'unique-local' ||
    scope === 'unspecified'
  );
}

/**
 * Not an ordinary Internet address by ipaddr.js's fuller list (also 6to4, Teredo, NAT64 and other
 * ranges that can lead into a private network): what an outgoing request must never reach.
 * Anything that is not an address counts as internal.
 */
export function isInternalAddress(text: string): boolean {
  const address = parseIp(text);
  return address === null || address.range() !== 'unicast';
}

/** A CIDR range; a bare address is a range of one host. */
export interface CidrRange {
  /** The range as the user wrote it (trimmed), for log lines and explanations. */
  source: string;
  address: IpAddress;
  bits: number;
}

const cidrForm = /^([0-9a-fA-F:.]+)(?:\/(\d{1,3}))?$/;

/**
 * `192.168.1.0/24`, `10.0.0.7`, `2001:db8::/32`, or null. An IPv4-mapped range given in IPv6
 * form (`::ffff:10.0.0.0/104`) becomes the IPv4 range it stands for, so IPv4 clients match it.
 */
export function parseCidr(text: string): CidrRange | null {
  const source = text.trim();
  const form = cidrForm.exec(source);
  const written = form?.[1] ?? '';
  const version = isIP(written);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const bits = form?.[2] === undefined ? max : Number(form[2]);
  if (bits > max) return null;
  let address: IpAddress = ipaddr.parse(written);
  let unmappedBits = bits;
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && bits >= 96) {
    address = address.toIPv4Address();
    unmappedBits = bits - 96;
  }
  return { source, address, bits: unmappedBits };
}

/** A range as its network address and prefix (`10.0.0.1/24` → `10.0.0.0/24`), as matched. */
export function cidrNetwork(range: CidrRange): string {
  const written = `${range.address.toString()}/${range.bits}`;
  const network =
    range.address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(written)
      : ipaddr.IPv6.networkAddressFromCIDR(written);
  return `${network.toString()}/${range.bits}`;
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** Whether the address (any spelling normalizeIp reads) is inside the range. */
export function inCidr(address: IpAddress | string, range: CidrRange): boolean {
  const parsed = typeof address === 'string' ? parseIp(address) : address;
  if (parsed === null || parsed.kind() !== range.address.kind()) return false;
  return parsed.match(range.address, range.bits);
}

/** A host as a URL or a HOST:PORT flag writes it: an IPv6 literal goes in brackets. */
export function bracketHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Where a client on this machine reaches a listener: a wildcard one through 127.0.0.1. */
export function reachableAddress(address: { host: string; port: number }): {
  host: string;
  port: number;
} {
  const { host, port } = address;
  return host === '0.0.0.0' || host === '::' ? { host: '127.0.0.1', port } : { host, port };
}

/** The web UI's address for a browser (a wildcard listener through 127.0.0.1). */
export function uiUrl(address: { host: string; port: number }): string {
  const { host, port } = reachableAddress(address);
  return `http://${bracketHost(host)}:${port}/`;
}

/** HOST:PORT as the flags take it and POP3 clients are told (an IPv6 host in brackets). */
export function hostPort(address: { host: string; port: number }): string {
  return `${bracketHost(address.host)}:${address.port}`;
}
