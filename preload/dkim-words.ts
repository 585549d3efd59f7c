import type { DkimKeyRemoval } from './auth-contract.js';

/** "selector" or "selectors", for the keys that sign a domain's mail after a removal. */
export function selectorWord(removal: Pick<DkimKeyRemoval, 'signingKeys'>): string {
  return removal.signingKeys.length === 1 ? 'selector' : 'selectors';
}
