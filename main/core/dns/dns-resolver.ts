// The one DNS resolver of the checks (DKIM records, SPF/DMARC, MX of recipient domains): short
// timeouts, one try, a cache, and "offline" as a result of its own. A DNS outage must never make
// a mail look invalid, and a lookup must never hang a session, so the callers get a verdict they
// can tell apart: the name does not exist, it exists without that record, the server failed,
// or no server answered at all.
import { Resolver } from 'node:dns/promises';

export type DnsRecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS';

export type DnsAnswer<T> =
  | { status: 'found'; records: T[] }
  /** NXDOMAIN: the name does not exist. */
  | { status: 'nxdomain' }
  /** The name exists but has no record of this type. */
  | { status: 'nodata' }
  /** A server answered, with SERVFAIL or REFUSED: a temporary failure. */
  | { status: 'servfail'; reason: string }
  /** No server answered (timeout, refused connection, no network). */
  | { status: 'offline'; reason: string };

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsResolverOptions {
  /** `IP` or `IP:PORT` (`[v6]:PORT`); empty: the system's resolvers. */
  servers: readonly string[];
  /** How long one query may take before the answer is "offline". */
  timeoutMs?: number;
  /** How long an answer (found, nxdomain, nodata) is reused. */
  cacheMs?: number;
  /** How long lookups answer "offline" at once after DNS was found unreachable. */
  outageHoldMs?: number;
  now?: () => number;
}

/** Error codes of node:dns that mean "a server answered, and said no such thing". */
const absentCodes: Record<string, 'nxdomain' | 'nodata'> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
};
/** A server answered with a failure. */
const failureCodes = new Set(['ESERVFAIL', 'EREFUSED', 'EFORMERR', 'ENOTIMP', 'EBADRESP']);

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ETIMEOUT':
      return 'no DNS server answered in time';
    case 'ECONNREFUSED':
      return 'the DNS server refused the connection';
    case 'ESERVFAIL':
      return 'the DNS server failed to answer (SERVFAIL)';
    case 'EREFUSED':
      return 'the DNS server refused the query (REFUSED)';
    default:
      return `DNS lookup failed (${err.code ?? err.message})`;
  }
}

export class DnsResolver {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { until: number; answer: DnsAnswer<unknown> }>();
  private readonly inFlight = new Map<string, Promise<DnsAnswer<unknown>>>();
  private readonly cacheMs: number;
  private readonly outageHoldMs: number;
  private readonly now: () => number;
  /** Domains (last two labels) no server answered for since the last answer to any query. */
  private readonly unanswered = new Set<string>();
  /** While set, DNS is taken to be unreachable: lookups answer "offline" without asking. */
  private outage: { until: number; reason: string } | null = null;
  /** Queries sent to a server (not answered from the cache), for the status line and tests. */
  queries = 0;

  constructor(options: DnsResolverOptions) {
    // tries: 1 and a short timeout: c-ares would otherwise retry for ~20 s on a dead network
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: 1 });
    if (options.servers.length > 0) this.resolver.setServers([...options.servers]);
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.outageHoldMs = options.outageHoldMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  /** `fresh` asks the server even when the cache has an answer (the user just changed DNS). */
  txt(name: string, options: { fresh?: boolean } = {}): Promise<DnsAnswer<string>> {
    return this.lookup<string[]>(name, 'TXT', options).then((answer) =>
      answer.status === 'found'
        ? { status: 'found', records: answer.records.map((chunks) => chunks.join('')) }
        : answer,
    );
  }

  mx(name: string): Promise<DnsAnswer<MxRecord>> {
    return this.lookup<MxRecord>(name, 'MX');
  }

  address(name: string, family: 'A' | 'AAAA'): Promise<DnsAnswer<string>> {
    return this.lookup<string>(name, family);
  }

  /** One lookup, answered from the cache when a fresh answer is there. */
  lookup<T>(
    name: string,
    type: DnsRecordType,
    options: { fresh?: boolean } = {},
  ): Promise<DnsAnswer<T>> {
    const key = `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now() && !options.fresh)
      return Promise.resolve(cached.answer as DnsAnswer<T>);
    // Without this every lookup of an outage waits out its own timeout (2-3 s): per recipient
    // at RCPT, per message opened in Route, per line of `relaydesk validate`
    if (this.outage && this.outage.until > this.now() && !options.fresh)
      return Promise.resolve({ status: 'offline', reason: this.outage.reason });
    const running = this.inFlight.get(key);
    if (running) return running as Promise<DnsAnswer<T>>;
    const work = this.query(name, type).then((answer) => {
      this.inFlight.delete(key);
      this.noteReachability(name, answer);
      // failures are not kept: the next message should try again
      if (answer.status !== 'offline' && answer.status !== 'servfail')
        this.cache.set(key, { until: this.now() + this.cacheMs, answer });
      return answer;
    });
    this.inFlight.set(key, work);
    return work as Promise<DnsAnswer<T>>;
  }

  /**
   * One domain going unanswered may be only its own servers being slow (the recursive resolver
   * is still waiting for them), for its SPF, DMARC and DKIM names alike; two different domains
   * with no answer to anything in between mean no server answers at all. Any answer ends it.
   * (The last two labels stand for the domain: wrong for co.uk and the like, but only ever
   * towards not seeing an outage.)
   */
  private noteReachability(name: string, answer: DnsAnswer<unknown>): void {
    if (answer.status !== 'offline') {
      this.unanswered.clear();
      this.outage = null;
      return;
    }
    this.unanswered.add(name.toLowerCase().replace(/\.$/, '').split('.').slice(-2).join('.'));
    if (this.unanswered.size >= 2)
      this.outage = { until: this.now() + this.outageHoldMs, reason: answer.reason };
  }

  private async query(name: string, type: DnsRecordType): Promise<DnsAnswer<unknown>> {
    this.queries++;
    try {
      const records = (await this.resolver.resolve(name, type)) as unknown[];
      return records.length === 0 ? { status: 'nodata' } : { status: 'found', records };
    } catch (err) {
      const error = err as NodeJS.ErrnoException;
      const absent = absentCodes[error.code ?? ''];
      if (absent) return { status: absent };
      if (failureCodes.has(error.code ?? ''))
        return { status: 'servfail', reason: describe(error) };
      return { status: 'offline', reason: describe(error) };
    }
  }

  /**
   * The resolver in the shape mailauth takes (`dns.promises.resolve`): records, or an error
   * whose code says why. `onFailure` hears about lookups that failed for want of DNS.
   */
  forMailauth(
    onFailure?: (answer: { status: 'servfail' | 'offline'; reason: string }) => void,
  ): (name: string, type: string) => Promise<unknown[]> {
    return async (name, type) => {
      const answer = await this.lookup<unknown>(name, type.toUpperCase() as DnsRecordType);
      switch (answer.status) {
        case 'found':
          return answer.records;
        case 'nxdomain':
          throw Object.assign(new Error(`${name}: no such domain`), { code: 'ENOTFOUND' });
        case 'nodata':
          throw Object.assign(new Error(`${name}: no ${type} record`), { code: 'ENODATA' });
        default:
          onFailure?.(answer);
          throw Object.assign(new Error(answer.reason), {
            code: answer.status === 'servfail' ? 'ESERVFAIL' : 'ETIMEOUT',
          });
      }
    };
  }
}
