// The headless mode's "network came back" signal: the machine's interface addresses, read on the
// wake watch's tick. The interfaces here are the test's (os.networkInterfaces' shape): a test
// cannot take the machine's own network away. The wiring in `relaydesk serve` is tested in
// network-back.test.ts.
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NetworkWatch, reachingAddresses } from '../../main/cli/network-watch.js';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

function address(address: string, internal = false): NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  const common = { address, netmask: '255.255.255.0', mac: '02:00:00:00:00:01', internal };
  return family === 'IPv6'
    ? { ...common, family, cidr: `${address}/64`, scopeid: 0 }
    : { ...common, family, cidr: `${address}/24` };
}

const loopback: Interfaces = { lo: [address('127.0.0.1', true), address('::1', true)] };

describe('reachingAddresses', () => {
  it('leaves out loopback and link-local addresses, which a cable with no network behind it gets', () => {
    const found = reachingAddresses({
      ...loopback,
      eth0: [address('169.254.10.2'), address('fe80::1'), address('192.0.2.10')],
      wlan0: [address('2001:DB8::5')],
    });
    expect([...found.values()]).toEqual([
      { address: '192.0.2.10', interface: 'eth0' },
      { address: '2001:db8::5', interface: 'wlan0' },
    ]);
  });
});

describe('NetworkWatch', () => {
  it('tells when an address appears after none, or another one (another Wi-Fi), never when one goes', () => {
    let now: Interfaces = loopback;
    const watch = new NetworkWatch(() => now);
    expect(watch.look()).toBeNull();

    now = { ...loopback, eth0: [address('fe80::1')] };
    expect(watch.look()).toBeNull(); // the link is up, no network yet

    now = { ...loopback, eth0: [address('fe80::1'), address('192.0.2.10')] };
    expect(watch.look()).toEqual({
      appeared: [{ address: '192.0.2.10', interface: 'eth0' }],
      wasOffline: true,
    });
    expect(watch.look()).toBeNull();

    now = { ...loopback, wlan0: [address('198.51.100.7')] };
    expect(watch.look()).toEqual({
      appeared: [{ address: '198.51.100.7', interface: 'wlan0' }],
      wasOffline: false,
    });

    now = loopback;
    expect(watch.look()).toBeNull();
  });

  it("takes an IPv6 privacy address's daily successor in the same /64 for no change, another prefix for one", () => {
    let now: Interfaces = { ...loopback, wlan0: [address('2001:db8:0:1::5')] };
    const watch = new NetworkWatch(() => now);
    // RFC 8981: a new temporary address next to the old one, then the old one gone
    now = { ...loopback, wlan0: [address('2001:db8:0:1::5'), address('2001:db8:0:1:a1b2::77')] };
    expect(watch.look()).toBeNull();
    now = { ...loopback, wlan0: [address('2001:db8:0:1:a1b2::77')] };
    expect(watch.look()).toBeNull();
    // another network (another Wi-Fi, or the ISP gave a new prefix)
    now = { ...loopback, wlan0: [address('2001:db8:0:2::9')] };
    expect(watch.look()).toEqual({
      appeared: [{ address: '2001:db8:0:2::9', interface: 'wlan0' }],
      wasOffline: false,
    });
    // the same prefix on another interface (the cable plugged in beside the Wi-Fi) is news too
    now = { ...loopback, wlan0: [address('2001:db8:0:2::9')], eth0: [address('2001:db8:0:2::10')] };
    expect(watch.look()).toEqual({
      appeared: [{ address: '2001:db8:0:2::10', interface: 'eth0' }],
      wasOffline: false,
    });
  });

  it('keeps what it knew when the interfaces cannot be read', () => {
    let fail = false;
    const watch = new NetworkWatch(() => {
      if (fail) throw new Error('EPERM');
      return { eth0: [address('192.0.2.10')] };
    });
    fail = true;
    expect(watch.look()).toBeNull();
    fail = false;
    expect(watch.look()).toBeNull();
  });
});
