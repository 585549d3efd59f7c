// The envelope (what the SMTP client said in MAIL FROM and RCPT TO, RFC 5321 §3.3) against what
// the headers claim. They differ legitimately (bounces use the null sender, lists and VERP rewrite
// MAIL FROM, Bcc recipients appear only in RCPT TO), so differences are reported, not judged.
import { getDomain } from 'tldts';
import type { Envelope } from '../../../preload/api-contract.js';
import { addressList, firstAddress } from './address-list.js';
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { addressKey as key, recipientsNotNamed } from '../mail/address-key.js';
import type { EnvelopeComparison, Warning } from './types.js';

function addressesIn(fields: readonly HeaderField[], name: string): string[] {
  return fieldsNamed(fields, name).flatMap((field) => addressList(field.value));
}

/**
 * What the headers say the message is when it is one that is sent from the null sender: a
 * delivery report (RFC 3464 §2, RFC 5321 §4.5.5: `<>`, so that it can never cause another) or an
 * automatic reply (RFC 3834 §3.1.7 `Auto-Submitted:` other than `no`, which §3.3 says should go
 * to the envelope sender and may come from `<>`).
 */
export function automaticKind(fields: readonly HeaderField[]): EnvelopeComparison['automatic'] {
  const type = fieldsNamed(fields, 'Content-Type')[0]?.value ?? '';
  if (
    /^\s*message\/(global-)?delivery-status\s*(;|$)/i.test(type) ||
    (/^\s*multipart\/report\s*;/i.test(type) &&
      /;\s*report-type\s*=\s*"?(global-)?delivery-status"?\s*(;|$)/i.test(type))
  ) {
    return 'delivery-report';
  }
  const submitted = fieldsNamed(fields, 'Auto-Submitted')[0]?.value ?? '';
  // `auto-replied (vacation)`: the keyword before any comment or parameter
  const keyword = /^\s*([a-z0-9-]+)/i.exec(submitted)?.[1]?.toLowerCase() ?? '';
  return keyword !== '' && keyword !== 'no' ? 'auto-submitted' : null;
}

/** Compared as addresses are (addressKey): lower case, an IDN's in A-labels either way. */
function domainOf(address: string): string {
  const compared = key(address);
  return compared.slice(compared.lastIndexOf('@') + 1).replace(/\.$/, '');
}

/**
 * The envelope sender's domain is the From address's, or shares its registered domain: DMARC's
 * relaxed alignment (RFC 7489 §3.1.2), which SPF needs to count for DMARC. It is what a sender's
 * own bounce address has (`bounces+42@mail.shop.example` for `news@shop.example`: VERP, an ESP's
 * custom return path), so that difference is the usual shape of bulk and app mail, not a warning.
 */
function alignedWithFrom(mailFrom: string, from: string | undefined): boolean {
  if (mailFrom === '' || !from?.includes('@') || !mailFrom.includes('@')) return false;
  const envelopeDomain = domainOf(mailFrom);
  const fromDomain = domainOf(from);
  if (envelopeDomain === fromDomain) return true;
  const registered = getDomain(fromDomain);
  return (
    registered !== null && registered.includes('.') && registered === getDomain(envelopeDomain)
  );
}

export function compareEnvelope(
  fields: readonly HeaderField[],
  envelope: Envelope,
): { comparison: EnvelopeComparison; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const mailFrom = envelope.mailFrom.trim().replace(/^<|>$/g, '');
  const from = addressesIn(fields, 'From');
  const sender = addressesIn(fields, 'Sender')[0] ?? null;
  const returnPathField = fieldsNamed(fields, 'Return-Path')[0];
  const returnPath = returnPathField
    ? /^<\s*>$/.test(returnPathField.value)
      ? ''
      : firstAddress(returnPathField.value)
    : null;
  const authors = [...from, ...(sender ? [sender] : [])].map(key);
  const mailFromMatchesFrom = authors.includes(key(mailFrom));
  const mailFromMatchesReturnPath = returnPath === null ? null : key(returnPath) === key(mailFrom);
  const mailFromAligned = alignedWithFrom(mailFrom, from[0]);
  const automatic = automaticKind(fields);
  // a bounce's or an automatic reply's null sender is what it should have, and a bounce address
  // of the From's own domain is how bulk and app mail is sent: no warning for either
  if (!mailFromMatchesFrom && !mailFromAligned && !(mailFrom === '' && automatic)) {
    const claimed = sender ?? from[0];
    warnings.push({
      code: 'envelope-sender-differs',
      message:
        (mailFrom === ''
          ? 'The envelope sender (MAIL FROM) is empty, as for a bounce'
          : `The envelope sender (MAIL FROM) is ${mailFrom}`) +
        (claimed
          ? `, but the header says the message is from ${claimed}.`
          : ', and the message has no From address.') +
        // the consequence a sender can act on: DMARC then rests on DKIM alone
        (mailFrom !== '' && from[0]?.includes('@')
          ? ` Its domain is not in the From address's (${domainOf(from[0])}), so SPF cannot count for DMARC: DMARC can pass only on a DKIM signature of that domain.`
          : ''),
    });
  }
  if (mailFromMatchesReturnPath === false) {
    warnings.push({
      code: 'envelope-return-path-differs',
      message: `The Return-Path header says ${returnPath || '<>'}, but the envelope sender (MAIL FROM) was ${mailFrom || '<>'}.`,
    });
  }

  const headerRecipients = [...addressesIn(fields, 'To'), ...addressesIn(fields, 'Cc')];
  const rcptTo = envelope.rcptTo.map((r) => r.trim().replace(/^<|>$/g, ''));
  const bcc = recipientsNotNamed(rcptTo, headerRecipients);
  const notInEnvelope = recipientsNotNamed(headerRecipients, rcptTo);
  if (bcc.length) {
    warnings.push({
      code: 'envelope-bcc',
      message: `${bcc.length === 1 ? 'One recipient' : `${bcc.length} recipients`} of the envelope (RCPT TO) ${bcc.length === 1 ? 'is' : 'are'} not in To or Cc, so ${bcc.length === 1 ? 'it was' : 'they were'} sent as Bcc: ${bcc.join(', ')}.`,
    });
  }
  if (notInEnvelope.length) {
    warnings.push({
      code: 'envelope-recipient-missing',
      message: `To/Cc name ${notInEnvelope.join(', ')}, but the message was not sent to ${notInEnvelope.length === 1 ? 'that address' : 'those addresses'} (RCPT TO).`,
    });
  }
  return {
    comparison: {
      mailFrom,
      from,
      sender,
      returnPath,
      mailFromMatchesFrom,
      mailFromMatchesReturnPath,
      mailFromAligned,
      automatic,
      rcptTo,
      headerRecipients,
      bcc,
      notInEnvelope,
    },
    warnings,
  };
}
