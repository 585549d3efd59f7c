// What signs a domain's mail once one of its keys is deleted: the answer of the API's DELETE and
// the words of `relaydesk dkim remove`. Removing a domain's last signing key sends its mail out
// unsigned, which a DMARC policy at the receiver may reject or junk, so the caller is told.
import type { DkimKeyInfo, DkimKeyRemoval } from '../../../preload/auth-contract.js';
import type { SigningKey } from './key-store.js';

/** `left`: the keys that sign the removed key's domain after it is gone (DkimKeyStore.signingKeys). */
export function keyRemoval(removed: DkimKeyInfo, left: readonly SigningKey[]): DkimKeyRemoval {
  const name = { domain: removed.domain, selector: removed.selector };
  const signingKeys = left.map((k) => ({ domain: k.domain, selector: k.selector }));
  if (!removed.active || removed.cannotSign) {
    return { ok: true, removed: name, signing: 'unchanged', signingKeys };
  }
  if (signingKeys.length === 0) {
    return {
      ok: true,
      removed: name,
      signing: 'unsigned',
      signingKeys,
      warning: `mail from ${removed.domainUnicode} now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one (POST /api/v1/dkim/keys, Settings → Signing, or relaydesk dkim keygen ${removed.domain} SELECTOR) and publish its record`,
    };
  }
  const parent = signingKeys[0]?.domain !== removed.domain;
  return {
    ok: true,
    removed: name,
    signing: parent ? 'parent-signs' : 'still-signed',
    signingKeys,
  };
}
