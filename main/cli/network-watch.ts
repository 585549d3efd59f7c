// Notices the machine's network coming back or changing, for the headless mode, which has no
// Electron net.isOnline to poll. Debian's Postfix does the same from the other side: its
// /etc/network/if-up.d/postfix runs `sendmail -q` (a queue run) whenever an interface other
// than lo comes up, so a mail server on a laptop sends what waits as soon as it is online.
// Here: the addresses of the machine's interfaces, read on the wake watch's tick (15 s), a
// local call with no DNS and no connection; a new one (the first after none, or another Wi-Fi)
// means the upstream may be reachable again. An IPv6 address counts by its network (the prefix
// of its CIDR on its interface): with privacy extensions (RFC 8981, on by default in most desktop
// Linux, macOS and Windows) the machine takes a new random address in the same /64 every day or
// so, which is no new network and must not send everything deferred off early.
import { readFileSync } from 'node:fs';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import ipaddr from 'ipaddr.js';

export type InterfaceSource = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Where an address is: an IPv4 address itself; an IPv6 address its interface's network. */
function networkKey(info: NetworkInterfaceInfo, name: string, address: string): string {
  if (info.family !== 'IPv6' || !info.cidr) return address;
  try {
    const [network, bits] = ipaddr.IPv6.networkAddressFromCIDR(info.cidr).toString().split('/');
    return `${name} ${network}/${bits ?? ''}`;
  } catch {
    return address; // a CIDR Node could not work out (an odd netmask): the address alone
  }
}

/** Addresses that may reach another host: not loopback, not link-local (169.254/16, fe80::/10),
 * which a cable with no network behind it gets as well. Keyed by where they are (networkKey),
 * with the address and its interface's name as the value. */
export function reachingAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): Map<string, { address: string; interface: string }> {
  const found = new Map<string, { address: string; interface: string }>();
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      const address = info.address.toLowerCase();
      if (address.startsWith('169.254.') || /^fe[89ab]/.test(address)) continue;
      const key = networkKey(info, name, address);
      if (!found.has(key)) found.set(key, { address, interface: name });
    }
  }
  return found;
}

/** What changed since the last look: the addresses that appeared, and whether there were none. */
export interface NetworkChange {
  appeared: Array<{ address: string; interface: string }>;
  wasOffline: boolean;
}

export class NetworkWatch {
  private known: Map<string, { address: string; interface: string }>;

  constructor(private readonly source: InterfaceSource) {
    this.known = this.read();
  }

  /**
   * Looks again; null unless an address appeared. Addresses that went away alone are no news:
   * nothing waiting can go because of that.
   */
  look(): NetworkChange | null {
    const now = this.read();
    const wasOffline = this.known.size === 0;
    const appeared = [...now].filter(([key]) => !this.known.has(key)).map(([, found]) => found);
    this.known = now;
    return appeared.length > 0 ? { appeared, wasOffline } : null;
  }

  private read(): Map<string, { address: string; interface: string }> {
    try {
      return reachingAddresses(this.source());
    } catch {
      // (os.networkInterfaces throws on some systems without permission to list them)
      return this.known ?? new Map();
    }
  }
}

/**
 * The machine's interfaces; the serve tests name a JSON file in the shape of
 * os.networkInterfaces() instead (RELAYDESK_TEST_NETWORK_FILE), read at each look, since a test
 * cannot change the machine's own.
 */
export function machineInterfaces(env: NodeJS.ProcessEnv): InterfaceSource {
  const file = env.RELAYDESK_TEST_NETWORK_FILE;
  if (!file) return networkInterfaces;
  return () => JSON.parse(readFileSync(file, 'utf8')) as NodeJS.Dict<NetworkInterfaceInfo[]>;
}
