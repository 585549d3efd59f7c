// Who is a trusted client: one that may send and relay without AUTH (Postfix `mynetworks`).
// Loopback is trusted unless the user turns that off; any other client must be on the allowlist.
// Addresses are compared as ipaddr.js parses them, so `::ffff:192.0.2.7` (an IPv4 client on a
// dual-stack socket) matches `192.0.2.0/24`, and an IPv4-mapped range given in IPv6 form matches
// the IPv4 client too.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface AllowRange {
  /** The CIDR as the user wrote it, for log lines and explanations. */
  source: string;
  address: Address;
  bits: number;
}

export type TrustReason = 'loopback' | 'allowlist';

export interface ClientTrust {
  /** The client address in its plain form (IPv4-mapped IPv6 made IPv4). */
  ip: string;
  trusted: boolean;
  reason: TrustReason | null;
  /** The allowlist entry that matched, when reason is `allowlist`. */
  range: string | null;
}

export interface TrustSettings {
  trustLoopback: boolean;
  allowList: readonly AllowRange[];
}

/** An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) as the IPv4 range it stands for. */
function unmapRange(address: Address, bits: number): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/** Parses CIDRs (a bare address is one host). Throws with the entry that is not valid. */
export function parseAllowList(entries: readonly string[]): AllowRange[] {
  return entries.map((source) => {
    const text = source.trim();
    let address: Address;
    let bits: number;
    try {
      if (text.includes('/')) [address, bits] = ipaddr.parseCIDR(text);
      else {
        address = ipaddr.parse(text);
        bits = address.kind() === 'ipv4' ? 32 : 128;
      }
    } catch {
      throw new Error(
        `allow-ip: ${JSON.stringify(source)} is not a CIDR or an address; use e.g. 192.168.1.0/24`,
      );
    }
    [address, bits] = unmapRange(address, bits);
    return { source: text, address, bits };
  });
}

/** The client address in the form ranges are matched against; null when it is not an address. */
export function parseClientAddress(ip: string): Address | null {
  try {
    // process() turns ::ffff:a.b.c.d into a.b.c.d; a zone id (fe80::1%eth0) is dropped
    return ipaddr.process(ip.replace(/%.*$/, ''));
  } catch {
    return null;
  }
}

export function isLoopbackAddress(address: Address): boolean {
  return address.range() === 'loopback';
}

export function clientTrust(ip: string, settings: TrustSettings): ClientTrust {
  const address = parseClientAddress(ip);
  const plain = address ? address.toString() : ip;
  if (!address) return { ip: plain, trusted: false, reason: null, range: null };
  if (settings.trustLoopback && isLoopbackAddress(address)) {
    return { ip: plain, trusted: true, reason: 'loopback', range: null };
  }
  for (const range of settings.allowList) {
    if (range.address.kind() !== address.kind()) continue;
    if (address.match(range.address, range.bits)) {
      return { ip: plain, trusted: true, reason: 'allowlist', range: range.source };
    }
  }
  return { ip: plain, trusted: false, reason: null, range: null };
}

/** Whether a listen address is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const address = parseClientAddress(host);
  return address !== null && isLoopbackAddress(address);
}
