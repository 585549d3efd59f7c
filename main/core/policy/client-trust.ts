// Who is a trusted client: one that may send and relay without AUTH (Postfix `mynetworks`).
// Loopback is trusted unless the user turns that off; any other client must be on the allowlist.
// Addresses are read by net/ip-address, so `::ffff:192.0.2.7` (an IPv4 client on a dual-stack
// socket) matches `192.0.2.0/24`, and an IPv4-mapped range given in IPv6 form matches the IPv4
// client too.
import { inCidr, parseCidr, parseIp, type CidrRange } from '../net/ip-address.js';

/** An allowlist entry: a CIDR, or one address. */
export type AllowRange = CidrRange;

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

/** Parses CIDRs (a bare address is one host). Throws with the entry that is not valid. */
export function parseAllowList(entries: readonly string[]): AllowRange[] {
  return entries.map((source) => {
    const range = parseCidr(source);
    if (range) return range;
    throw new Error(
      `allow-ip: ${JSON.stringify(source)} is not a CIDR or an address; use e.g. 192.168.1.0/24`,
    );
  });
}

export function clientTrust(ip: string, settings: TrustSettings): ClientTrust {
  const address = parseIp(ip);
  if (!address) return { ip, trusted: false, reason: null, range: null };
  const plain = address.toString();
  if (settings.trustLoopback && address.range() === 'loopback') {
    return { ip: plain, trusted: true, reason: 'loopback', range: null };
  }
  const range = settings.allowList.find((entry) => inCidr(address, entry));
  if (range) return { ip: plain, trusted: true, reason: 'allowlist', range: range.source };
  return { ip: plain, trusted: false, reason: null, range: null };
}
