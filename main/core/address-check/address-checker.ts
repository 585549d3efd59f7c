// Is a recipient (or sender) worth relaying to? Syntax, then the domain in DNS: MX, else the
// A/AAAA fallback of RFC 5321 §5.1, a null MX (RFC 7505) meaning "no mail here", and typos of
// the big providers. When DNS cannot be asked the verdict is `unknown`, never `invalid`: a DNS
// outage must not turn good addresses away.
import type { DnsAnswer, DnsResolver } from '../dns/dns-resolver.js';
import { BoundedMap } from '../limits/bounded-map.js';
import { onFirstUse } from '../load/first-use.js';
import { checkSyntax } from './address-syntax.js';

import type { AddressCheck } from '../../../preload/auth-contract.js';

export type { AddressCheck, AddressVerdict } from '../../../preload/auth-contract.js';

/** Verdicts kept at most; the oldest go first (a bulk `validate` must not grow without end). */
const maxCachedAddresses = 10_000;

export interface AddressCheckerOptions {
  /** How long a verdict is reused (unknown verdicts are not kept). */
  cacheMs?: number;
  now?: () => number;
}

// the typo checker and its domain lists: loaded by the first address check, not at start
const spellCheckerModule = onFirstUse(
  'the address typo checker (@zootools/email-spell-checker)',
  async () => {
    const { default: spellChecker } = await import('@zootools/email-spell-checker');
    /** The providers whose typos are worth a warning: most mail goes there, typos there are common. */
    const bigProviders = [
      ...spellChecker.POPULAR_DOMAINS,
      'hotmail.com',
      'outlook.com',
      'live.com',
      'yahoo.com',
      'gmx.de',
      'gmx.net',
      'mail.ru',
      'yandex.ru',
      'orange.fr',
      't-online.de',
    ];
    return { spellChecker, bigProviders };
  },
);

/** A likely intended address when the domain is a near miss of a big provider's. */
async function typoSuggestion(address: string, domain: string): Promise<string | null> {
  const { spellChecker, bigProviders } = await spellCheckerModule();
  if (bigProviders.includes(domain.toLowerCase())) return null;
  const suggestion = spellChecker.run({ email: address, domains: bigProviders });
  // the checker also "corrects" short or unknown domains (b.c → b.co, e.com → me.com); only a
  // near miss of a big provider is worth a warning
  if (!suggestion || !bigProviders.includes(suggestion.domain)) return null;
  if (domain.length < 6 || Math.abs(domain.length - suggestion.domain.length) > 2) return null;
  return suggestion.full;
}

type DomainFinding =
  | { verdict: 'valid' | 'unknown'; reason: string }
  | { verdict: 'invalid'; reason: string; invalidBy: 'null-mx' | 'no-domain' };

export class AddressChecker {
  /** Verdicts by address; `reuse` is false for unknown ones, kept only to be shown. */
  private readonly cache = new BoundedMap<
    string,
    { until: number; check: AddressCheck; reuse: boolean }
  >(maxCachedAddresses);
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dns: DnsResolver,
    options: AddressCheckerOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The latest verdict for an address that is still fresh (unknown ones too), without asking DNS. */
  cached(address: string): AddressCheck | null {
    const hit = this.cache.get(address);
    return hit && hit.until > this.now() ? hit.check : null;
  }

  async check(address: string): Promise<AddressCheck> {
    // keyed by the address as written: a verdict names its address and suggests a correction of
    // it, so another spelling (ANNA@Example.net) must not get this one's; DNS answers are cached
    // by the resolver, so a second spelling costs no lookup
    const hit = this.cache.get(address);
    if (hit?.reuse && hit.until > this.now()) return hit.check;
    const check = await this.checkNow(address);
    // an unknown verdict is kept to be shown with the message, but the next check asks again
    this.cache.set(address, {
      until: this.now() + this.cacheMs,
      check,
      reuse: check.verdict !== 'unknown',
    });
    return check;
  }

  private async checkNow(address: string): Promise<AddressCheck> {
    const syntax = checkSyntax(address);
    if (!syntax.ok)
      return {
        address,
        verdict: 'invalid',
        reason: syntax.reason,
        suggestion: null,
        invalidBy: 'syntax',
      };
    const suggestion = await typoSuggestion(address, syntax.domain);
    const domain = await this.checkDomain(syntax.asciiDomain);
    const hint = suggestion ? `; did you mean ${suggestion}?` : '';
    if (domain.verdict === 'invalid')
      return {
        address,
        verdict: 'invalid',
        reason: domain.reason + hint,
        suggestion,
        invalidBy: domain.invalidBy,
      };
    if (domain.verdict === 'unknown')
      return { address, verdict: 'unknown', reason: domain.reason + hint, suggestion };
    if (suggestion)
      return {
        address,
        verdict: 'risky',
        reason: `looks like a typo: did you mean ${suggestion}?`,
        suggestion,
      };
    if (syntax.quoted) {
      return {
        address,
        verdict: 'risky',
        reason: `${domain.reason}; the quoted local part is valid but many servers refuse it`,
        suggestion: null,
      };
    }
    const utf8 = syntax.needsSmtpUtf8 ? '; needs SMTPUTF8 (the upstream must offer it)' : '';
    return { address, verdict: 'valid', reason: domain.reason + utf8, suggestion: null };
  }

  private async checkDomain(domain: string): Promise<DomainFinding> {
    const mx = await this.dns.mx(domain);
    if (mx.status === 'found') {
      // RFC 7505: a single MX of "." (priority 0) says the domain accepts no mail
      if (mx.records.every((r) => r.exchange === '' || r.exchange === '.')) {
        return {
          verdict: 'invalid',
          reason: `${domain} accepts no mail (null MX, RFC 7505)`,
          invalidBy: 'null-mx',
        };
      }
      const best = [...mx.records].sort((a, b) => a.priority - b.priority)[0];
      return {
        verdict: 'valid',
        reason: `${domain} has mail servers (MX ${best?.exchange ?? ''})`,
      };
    }
    if (mx.status === 'nxdomain')
      return {
        verdict: 'invalid',
        reason: `the domain ${domain} does not exist`,
        invalidBy: 'no-domain',
      };
    if (mx.status !== 'nodata') return unknown(mx);
    // no MX: RFC 5321 §5.1 sends to the domain's own address
    for (const family of ['A', 'AAAA'] as const) {
      const found = await this.dns.address(domain, family);
      if (found.status === 'found') {
        return {
          verdict: 'valid',
          reason: `${domain} has no MX; mail goes to its ${family} record (RFC 5321 §5.1)`,
        };
      }
      if (found.status === 'offline' || found.status === 'servfail') return unknown(found);
    }
    return {
      verdict: 'invalid',
      reason: `${domain} has no MX and no A/AAAA record: it cannot receive mail`,
      invalidBy: 'no-domain',
    };
  }
}

function unknown(answer: DnsAnswer<unknown>): DomainFinding {
  const why =
    answer.status === 'offline' || answer.status === 'servfail' ? answer.reason : 'no answer';
  return { verdict: 'unknown', reason: `DNS could not be asked: ${why}` };
}
