// The mark a message passed on with a virus carries (virus action "tag"), as clamav-milter with
// `AddHeader Replace` writes it: `X-Virus-Scanned: <scanner> at <host>` and
// `X-Virus-Status: Infected (<signature>)`. Without it the recipient of a tagged message got it
// with nothing to say so: the "virus" tag lived only in Relaydesk's own list. Added to the copy
// sent on, as the Date and Message-ID a message lacks are (missing-headers.ts); the stored copy
// stays as it came. Fields of those names the message already had are taken out first (what
// clamav-milter's Replace does): a sender's own `X-Virus-Status: Clean` must not stand beside it.
import { headerBlockEnd } from '../mail/header-block.js';
import type { FilterVerdict } from './message-filter.js';

const markNames = /^x-virus-(?:status|scanned)[ \t]*:/i;
const spamMarkNames = /^x-spam-(?:flag|status)[ \t]*:/i;

/** `raw` marked as infected when the filter passed it on with a virus found; else unchanged. */
export function withVirusStatus(
  raw: Buffer,
  verdict: FilterVerdict | undefined,
  hostname: string,
): { raw: Buffer; added: string[] } {
  if (verdict?.action !== 'tagged' || verdict.scan !== 'infected') return { raw, added: [] };
  const signature = (verdict.signature ?? 'unknown').replace(/[^\x21-\x7e]/g, '?');
  return withMarks(raw, markNames, [
    `X-Virus-Scanned: clamd at ${hostname} (Relaydesk)`,
    `X-Virus-Status: Infected (${signature})`,
  ]);
}

/**
 * `raw` marked as spam, as SpamAssassin marks it (X-Spam-Flag: YES, X-Spam-Status: Yes,
 * score=… required=…), when the filter passed it on with spamd's verdict of spam (spamAction
 * tag); else unchanged. The recipient's mail client files it by these fields; a sender's own
 * `X-Spam-Flag: NO` is taken out first.
 */
export function withSpamStatus(
  raw: Buffer,
  verdict: FilterVerdict | undefined,
): { raw: Buffer; added: string[] } {
  if (verdict?.action !== 'tagged' || !verdict.spam?.isSpam) return { raw, added: [] };
  const { score, required } = verdict.spam;
  return withMarks(raw, spamMarkNames, [
    'X-Spam-Flag: YES',
    `X-Spam-Status: Yes, score=${score.toFixed(1)} required=${required.toFixed(1)}`,
  ]);
}

/** `added` in front of the header, with the fields named by `names` taken out first. */
function withMarks(raw: Buffer, names: RegExp, added: string[]): { raw: Buffer; added: string[] } {
  const { headerEnd } = headerBlockEnd(raw);
  const header = raw.subarray(0, headerEnd).toString('latin1');
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  // field by field, a folded field's continuation lines (starting with a space or tab) with it
  const fields = header.split(/(?<=\n)(?![ \t])/).filter((f) => f !== '');
  const kept = fields.filter((field) => !names.test(field)).join('');
  return {
    raw: Buffer.concat([
      Buffer.from(added.map((field) => field + eol).join('') + kept, 'latin1'),
      raw.subarray(headerEnd),
    ]),
    added,
  };
}
