// Address forms that must never be relayed, whoever the client is: the classic open-relay
// tricks (nmap's smtp-open-relay vectors, Exim's percent_hack tests). With no local domains, an
// upstream smart host or a later hop may read these as a different destination than the one our
// routing rules saw: `victim%ext@ok.example` as victim@ext, `ext!victim@ok.example` as a UUCP bang
// path, an IP literal as "deliver straight to this host". smtp-server already refuses some
// forms (`"a@b"@c`, `a@b@c`, trailing dots, unqualified names) and strips source routes
// (`<@a:b@c>` arrives as `b@c`, the real destination, which is then routed like any other); this
// check repeats those refusals so the decision never depends on the parser alone.
//
// Captured recipients are not checked: nothing leaves for them. Domains are matched by the
// routing rules case-insensitively, so `VICTIM@EXAMPLE.COM` is routed like victim@example.com.
import { quotedMailbox } from '../mail/smtp-path.js';
import { CONTROL_CHARACTERS } from '../text/sanitise.js';

export interface AddressProblem {
  /** Short name of the trick, for log lines and tests. */
  trick: string;
  /** The reply text after the enhanced code. */
  text: string;
}

// atext of RFC 5322 without the two characters that route (`%`, `!`), plus any UTF-8 (RFC 6531)
const dotAtomLocal =
  /^[A-Za-z0-9#$&'*+/=?^_`{|}~\-\u0080-\uffff]+(?:\.[A-Za-z0-9#$&'*+/=?^_`{|}~\-\u0080-\uffff]+)*$/u;
const domainLabel = /^(?!-)[A-Za-z0-9\-\u0080-\uffff]{1,63}(?<!-)$/u;
/** Look-alikes of `@` that some software folds into `@` (fullwidth, small commercial at). */
const atLookAlikes = /[\uff20\ufe6b]/u;

function problem(trick: string, what: string): AddressProblem {
  return { trick, text: `${what}: this address form is not relayed` };
}

/** Null when the address may be relayed, else what is wrong with it. */
export function relayAddressProblem(address: string): AddressProblem | null {
  if (address === '') return problem('empty', 'Empty recipient');
  // RFC 5321 §4.1.2 allows a plain space inside a quoted local part ("john smith"@example.net),
  // which routes nowhere else; any other whitespace is a pasted extra or a look-alike
  const quoted = quotedMailbox(address);
  const unquotedSpaces = quoted ? quoted.localPart.replaceAll(' ', '') + quoted.domain : address;
  if (CONTROL_CHARACTERS.test(address) || /\s/u.test(unquotedSpaces)) {
    return problem('control', 'Recipient holds spaces or control characters');
  }
  if (address.startsWith('@')) return problem('source-route', 'Source route');
  const at = address.lastIndexOf('@');
  if (at <= 0) return problem('unqualified', 'Recipient without a domain');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);

  if (local.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/u.test(local))
      return problem('quoted', 'Malformed quoted local part');
    if (/[@%!\\:]/u.test(local.slice(1, -1)) || atLookAlikes.test(local)) {
      return problem('quoted-route', 'Quoted local part holding @, %, ! or \\');
    }
  } else {
    if (local.includes('@') || atLookAlikes.test(local)) {
      return problem('double-at', 'More than one @ in the recipient');
    }
    if (local.includes('%')) return problem('percent-hack', 'Percent hack (%) in the recipient');
    if (local.includes('!')) return problem('bang-path', 'Bang path (!) in the recipient');
    if (local.includes(':')) return problem('source-route', 'Source route (:) in the recipient');
    if (!dotAtomLocal.test(local)) return problem('local-syntax', 'Local part not valid');
  }

  if (domain.startsWith('[')) return problem('ip-literal', 'IP-literal domain');
  if (domain.endsWith('.')) return problem('trailing-dot', 'Domain with a trailing dot');
  const labels = domain.split('.');
  if (labels.length < 2) return problem('unqualified', 'Domain not fully qualified');
  if (!labels.every((label) => domainLabel.test(label))) {
    return problem('domain-syntax', 'Domain not valid');
  }
  if (/^\d+$/.test(labels[labels.length - 1] as string)) {
    return problem('ip-literal', 'Numeric domain (an address without brackets)');
  }
  return null;
}
