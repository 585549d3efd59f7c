// Reverse DNS of SMTP clients, for the Received stamp (RFC 5321 §4.4: the name the client's
// address resolves to, beside the address). Loopback clients are never looked up, and no lookup
// may hold a greeting for longer than its timeout: the machines we run on may have no DNS at
// all. The resolvers are the system's, or the ones the `dnsServers` setting names.
import { Resolver } from 'node:dns';
import { BoundedMap } from '../limits/bounded-map.js';
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

/** Answers are kept this long: a client that sends one message per connection asks once. */
const answerTtlMs = 5 * 60_000;
/** Clients remembered at most (the least recently answered go first). */
const cachedClients = 1000;

interface CachedAnswer {
  names: string[];
  error: Error | null;
  until: number;
}

export function createReverseLookup(
  options: ReverseDnsOptions,
  now: () => number = Date.now,
): ReverseLookup {
  const resolver =
    options.timeoutMs > 0 ? new Resolver({ timeout: options.timeoutMs, tries: 1 }) : null;
  if (resolver && options.servers.length > 0) resolver.setServers([...options.servers]);
  const answers = new BoundedMap<string, CachedAnswer>(cachedClients);
  // clients connecting at once from one address share one query
  const asking = new Map<string, Array<(err: Error | null, names: string[]) => void>>();

  const ask = (ip: string, done: (err: Error | null, names: string[]) => void): void => {
    const waiting = asking.get(ip);
    if (waiting) {
      waiting.push(done);
      return;
    }
    const callbacks = [done];
    asking.set(ip, callbacks);
    let finished = false;
    const finish = (err: Error | null, names: string[], ttlMs: number): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      asking.delete(ip);
      if (ttlMs > 0) answers.set(ip, { names, error: err, until: now() + ttlMs });
      for (const callback of callbacks) callback(err, names);
    };
    // c-ares's own timeout is per try and may round up; this one is the promise to the client
    const timer = setTimeout(
      // not kept: a server that did not answer is asked again by the next client
      () => finish(new Error(`reverse lookup of ${ip} timed out`), [], 0),
      options.timeoutMs,
    );
    timer.unref();
    try {
      (resolver as Resolver).reverse(ip, (err, names) =>
        finish(
          err,
          names ?? [],
          // only a name is kept: "none" may come from a server still starting (c-ares cannot
          // always tell), and a failed server is asked again by the next client
          !err && names && names.length > 0 ? answerTtlMs : 0,
        ),
      );
    } catch (err) {
      finish(err as Error, [], 0);
    }
  };

  return (address, callback) => {
    const ip = normalizeClientIp(address);
    if (!resolver || isLoopbackIp(ip)) {
      callback(null, []);
      return;
    }
    const known = answers.get(ip);
    if (known && known.until > now()) {
      callback(known.error, known.names);
      return;
    }
    ask(ip, callback);
  };
}

/** `reverse` as a promise: the first name, or null when there is none or no answer in time. */
export function reverseName(lookup: ReverseLookup, ip: string): Promise<string | null> {
  return new Promise((resolve) =>
    lookup(ip, (err, names) => resolve(err ? null : (names[0] ?? null))),
  );
}
