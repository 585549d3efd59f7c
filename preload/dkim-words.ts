import type { DkimKeyInfo, DkimKeyRemoval } from './auth-contract.js';

/** "selector" or "selectors", for the keys that sign a domain's mail after a removal. */
export function selectorWord(removal: Pick<DkimKeyRemoval, 'signingKeys'>): string {
  return removal.signingKeys.length === 1 ? 'selector' : 'selectors';
}

/**
 * A key's domain as people read it, with the form DNS takes beside it when they differ:
 * "bücher.example (xn--bcher-kva.example in DNS)", as Settings → Signing shows it; an ASCII
 * domain is itself alone.
 */
export function domainWithDnsForm(key: Pick<DkimKeyInfo, 'domain' | 'domainUnicode'>): string {
  return key.domainUnicode === key.domain
    ? key.domain
    : `${key.domainUnicode} (${key.domain} in DNS)`;
}

/**
 * Why mail from a domain goes out unsigned while the keys set up are for other domains only (an
 * attempt's `unsignedReason`): written by the key store, read back by the Delivery tab, which says
 * it once for the message rather than on every attempt.
 */
export function noKeyForDomainWords(shown: string, keysFor: string, domain: string): string {
  return `no DKIM key signs mail from ${shown}: the keys are for ${keysFor}; add a key for ${shown} in Settings → Signing (or relaydesk dkim keygen ${domain} SELECTOR)`;
}

/** The domain and the keys' domains of noKeyForDomainWords' words; null for any other reason. */
export function noKeyForDomain(reason: string): { domain: string; keysFor: string } | null {
  const found = /^no DKIM key signs mail from (.+?): the keys are for (.+?); add a key for /.exec(
    reason,
  );
  return found ? { domain: found[1] as string, keysFor: found[2] as string } : null;
}
