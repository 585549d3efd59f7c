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
