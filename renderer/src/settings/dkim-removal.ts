import type { DkimKeyInfo } from '../api/contract';

/**
 * What signs a domain's mail once one of its keys is removed, worked out as the relay picks
 * keys (the active keys of the From domain, else of its closest parent that has any), so the
 * confirm can say when removing a key leaves the domain's mail unsigned.
 */
export type SigningAfterRemoval =
  /** The key signed nothing (waiting, off, or its private key gone): nothing changes. */
  | { kind: 'unchanged' }
  | { kind: 'still-signed'; selectors: string[] }
  | { kind: 'parent-signs'; domain: string; selectors: string[] }
  | { kind: 'unsigned' };

const signs = (key: DkimKeyInfo): boolean => key.active && !key.cannotSign;

export function signingAfterRemoval(
  keys: readonly DkimKeyInfo[],
  removed: DkimKeyInfo,
): SigningAfterRemoval {
  if (!signs(removed)) return { kind: 'unchanged' };
  const others = keys.filter((k) => k !== removed && signs(k));
  const labels = removed.domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join('.');
    const signers = others.filter((k) => k.domain === domain);
    const selectors = signers.map((k) => k.selector);
    if (selectors.length === 0) continue;
    return i === 0
      ? { kind: 'still-signed', selectors }
      : // the parent as people write it, as the key's own domain is shown
        { kind: 'parent-signs', domain: signers[0]?.domainUnicode ?? domain, selectors };
  }
  return { kind: 'unsigned' };
}
