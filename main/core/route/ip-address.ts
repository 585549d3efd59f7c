// Addresses as Received fields write them: `[192.0.2.1]`, `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3),
// `[192.0.2.1]:25`, `[fe80::1%9]`, `::ffff:192.0.2.1`. Reduced to the bare address so that hops
// can be compared and classified.
import { isIPv4, isIPv6 } from 'node:net';

export type IpScope =
  | 'public'
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'documentation'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/;

function expandIpv6(address: string): number[] | null {
  // an embedded dotted quad is the last 32 bits (RFC 4291 §2.2 form 3)
  const text = address.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_m, a, b, c, d) =>
    [((Number(a) << 8) | Number(b)).toString(16), ((Number(c) << 8) | Number(d)).toString(16)].join(
      ':',
    ),
  );
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
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
  if (!/^[\da-f:]/i.test(value) || !/[.:]/.test(value)) return null;
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  const v4 = ipv4WithPort.exec(value);
  if (v4?.[1]) return isIPv4(v4[1]) ? v4[1] : null;
  if (!value.includes(':') || !isIPv6(value)) return null;
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

/** RFC 6890 special-purpose ranges; everything else is public. */
export function ipScope(address: string): IpScope | null {
  if (isIPv4(address)) {
    const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    for (const [base, bits, scope] of v4Ranges) {
      const size = 2 ** (32 - bits);
      if (value >= base && value < base + size) return scope;
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
