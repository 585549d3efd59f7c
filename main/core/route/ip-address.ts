// Addresses as Received fields write them: `[192.0.2.1]`, `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3),
// `[192.0.2.1]:25`, `[fe80::1%9]`, `::ffff:192.0.2.1`. Reduced to the bare address so that hops
// can be compared and classified.
import { isIPv4, isIPv6 } from 'node:net';

import type { IpScope } from '../../../preload/route-contract.js';

export type { IpScope };

const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/;
const trailingDottedQuad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Appends parseInt(group, 16) for each ":"-separated group of `part` ("" has none). */
function pushGroups(part: string, out: number[]): void {
  if (part === '') return;
  for (const group of part.split(':')) out.push(parseInt(group, 16));
}

const quadAsGroups = (_m: string, a: string, b: string, c: string, d: string): string =>
  `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`;

function expandIpv6(address: string): number[] | null {
  // an embedded dotted quad is the last 32 bits (RFC 4291 §2.2 form 3)
  const text = address.includes('.') ? address.replace(trailingDottedQuad, quadAsGroups) : address;
  // as text.split('::'): more than one (non-overlapping) "::" is not an address
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 2) >= 0) return null;
  const groups: number[] = [];
  const right: number[] = [];
  pushGroups(gap < 0 ? text : text.slice(0, gap), groups);
  if (gap >= 0) pushGroups(text.slice(gap + 2), right);
  const missing = 8 - groups.length - right.length;
  if (missing < 0 || (gap < 0 && missing !== 0)) return null;
  for (let k = 0; k < missing; k++) groups.push(0);
  for (const group of right) groups.push(group);
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Whether the first character is a digit, a hex letter or ":" (as `/^[\da-f:]/i`). */
function startsLikeIp(text: string): boolean {
  const code = text.charCodeAt(0);
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x3a) || (lower >= 0x61 && lower <= 0x66);
}

/**
 * The bare address, or null when the text is not one. IPv4-mapped IPv6 (RFC 4291 §2.5.5.2) comes
 * back as IPv4 because that is the address the client really had.
 */
export function normalizeIp(text: string): string | null {
  let value = text.trim();
  if (value.startsWith('[')) value = value.slice(1);
  if (value.endsWith(']')) value = value.slice(0, -1);
  if (value.charCodeAt(4) === 0x3a) value = value.replace(/^ipv6:/i, '');
  // most words in a Received field are host names: turn them away before the costly checks
  if (!startsLikeIp(value) || (!value.includes('.') && !value.includes(':'))) return null;
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  const v4 = ipv4WithPort.exec(value);
  if (v4?.[1]) return isIPv4(v4[1]) ? v4[1] : null;
  if (!value.includes(':') || !isIPv6(value)) return null;
  // only IPv4-mapped addresses change below, and their sixth group must be written "ffff"
  if (!/ffff/i.test(value)) return value;
  const groups = expandIpv6(value);
  if (groups && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return value;
}

const v4Ranges: ReadonlyArray<readonly [number, number, IpScope]> = [
  [0x00000000, 8, 'unspecified'],
  [0x0a000000, 8, 'private'],
  [0x64400000, 10, 'shared'],
  [0x7f000000, 8, 'loopback'],
  [0xa9fe0000, 16, 'link-local'],
  [0xac100000, 12, 'private'],
  [0xc0000200, 24, 'documentation'],
  [0xc0a80000, 16, 'private'],
  [0xc6120000, 15, 'reserved'],
  [0xc6336400, 24, 'documentation'],
  [0xcb007100, 24, 'documentation'],
  [0xe0000000, 4, 'multicast'],
  [0xf0000000, 4, 'reserved'],
];
// as [start, end) pairs, worked out once rather than for every address
const v4Bounds = v4Ranges.map(([base, bits, scope]) => ({
  start: base,
  end: base + 2 ** (32 - bits),
  scope,
}));

/** The 32-bit value of an address isIPv4() accepted (so: four decimal octets, no extras). */
function ipv4Value(address: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < address.length; i++) {
    const code = address.charCodeAt(i);
    if (code === 0x2e) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (code - 0x30);
    }
  }
  return value * 256 + octet;
}

/** RFC 6890 special-purpose ranges; everything else is public. */
export function ipScope(address: string): IpScope | null {
  if (isIPv4(address)) {
    const value = ipv4Value(address);
    for (const range of v4Bounds) {
      if (value >= range.start && value < range.end) return range.scope;
    }
    return 'public';
  }
  const groups = isIPv6(address) ? expandIpv6(address) : null;
  if (!groups) return null;
  const [g0 = 0, g1 = 0] = groups;
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return 'public';
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
