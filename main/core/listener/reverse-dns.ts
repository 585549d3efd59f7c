// Reverse DNS of SMTP clients, for the Received stamp (RFC 5321 §4.4: the name the client's
// address resolves to, beside the address). Loopback clients are never looked up, and no lookup
// may hold a greeting for longer than its timeout: the machines we run on may have no DNS at
// all. The resolvers are the system's, or the ones the `dnsServers` setting names.
import { Resolver } from 'node:dns';
import { isLoopbackIp, normalizeClientIp } from '../net/ip-address.js';

export interface ReverseDnsOptions {
  /** `IP` or `IP:PORT` (`[IPv6]:PORT`); empty: the system's resolvers. */
  servers: readonly string[];
  /** 0: no lookups at all. */
  timeoutMs: number;
}

export type ReverseLookup = (
  ip: string,
  callback: (err: Error | null, names: string[]) => void,
) => void;

export function createReverseLookup(options: ReverseDnsOptions): ReverseLookup {
  const resolver =
    options.timeoutMs > 0 ? new Resolver({ timeout: options.timeoutMs, tries: 1 }) : null;
  if (resolver && options.servers.length > 0) resolver.setServers([...options.servers]);
  return (address, callback) => {
    const ip = normalizeClientIp(address);
    if (!resolver || isLoopbackIp(ip)) {
      callback(null, []);
      return;
    }
    let done = false;
    const finish = (err: Error | null, names: string[]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      callback(err, names);
    };
    // c-ares's own timeout is per try and may round up; this one is the promise to the client
    const timer = setTimeout(
      () => finish(new Error(`reverse lookup of ${ip} timed out`), []),
      options.timeoutMs,
    );
    timer.unref();
    try {
      resolver.reverse(ip, (err, names) => finish(err, names ?? []));
    } catch (err) {
      finish(err as Error, []);
    }
  };
}

/** `reverse` as a promise: the first name, or null when there is none or no answer in time. */
export function reverseName(lookup: ReverseLookup, ip: string): Promise<string | null> {
  return new Promise((resolve) =>
    lookup(ip, (err, names) => resolve(err ? null : (names[0] ?? null))),
  );
}
