// The message's Date field against the first server's stamp: the submission delay. RFC 5322
// §3.6.1 makes Date the moment the author's program had the message ready to send, so the gap to
// the first Received stamp is the time the sender’s client took to hand it over, or, when Date is
// the later of the two, how far the sender’s clock runs ahead (header analyzers show this
// line first, as the time "before the first hop").
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { parseMailDate } from '../mail/mail-date.js';
import { describeSeconds } from './route.js';
import type { DateToFirstHop, Hop, Warning } from './types.js';
import { vouchedStart } from '../../../preload/route-vouched.js';

/**
 * Past this, the message waited before it left the sender: an outbox while offline, a draft
 * sent later, a scheduled send, a queue on the sender’s side. Shorter gaps are a slow client or
 * a clock a few minutes behind, which a reader need not be alarmed by.
 */
export const HELD_SUBMISSION_SECONDS = 3600;

/**
 * The hop to compare with: the oldest dated one the servers wrote, from the first a receiver
 * vouches for (route-vouched.ts): a made-up route's stamps say nothing of when the message
 * reached a server.
 */
function firstServerHop(
  hops: readonly Hop[],
  warnings: readonly Warning[],
): { hop: Hop; afterGap: 'delay' | 'helo' | null } | null {
  const start = vouchedStart(warnings);
  const hop = hops.find(
    (candidate) => candidate.index >= start.hop && candidate.timestamp !== null,
  );
  return hop ? { hop, afterGap: start.after } : null;
}

export function dateToFirstHop(
  fields: readonly HeaderField[],
  hops: readonly Hop[],
  warnings: readonly Warning[],
): { line: DateToFirstHop | null; warnings: Warning[] } {
  const none = { line: null, warnings: [] };
  const field = fieldsNamed(fields, 'Date')[0];
  // absent or unreadable: nothing to say (a message may lawfully be missing its Date until the
  // first server adds one, RFC 6409 §8.3)
  const date = field ? parseMailDate(field.value.trim()) : null;
  const first = firstServerHop(hops, warnings);
  if (!date || !first) return none;
  const { hop, afterGap } = first;
  if (hop.timestamp === null) return none;
  const hopMs = Date.parse(hop.timestamp);
  if (Number.isNaN(hopMs)) return none;
  // Date has whole seconds; a stamp with milliseconds would otherwise read "2.345 s"
  const seconds = Math.round((hopMs - date.epochMs) / 1000);
  const name = `Hop ${hop.index + 1}`;
  const which =
    hop.index === 0
      ? 'the first hop'
      : afterGap === 'delay'
        ? `${name} (the first after the gap no queue explains)`
        : afterGap === 'helo'
          ? `${name} (the first a receiver vouches for)`
          : `${name} (the first with a date)`;
  const zoneNote = date.zoneKnown
    ? ''
    : ` The Date field’s ${date.zone === null ? 'lack of a time zone' : `zone ${date.zone}`} ` +
      'gives no offset, so it was read as UTC and this may be off by hours.';
  let kind: DateToFirstHop['kind'] = 'submission';
  let message = `Date header → ${hop.index === 0 ? 'first hop' : which}: ${describeSeconds(seconds)}`;
  if (seconds < 0) {
    kind = 'clock-ahead';
    message =
      `Date is ${describeSeconds(seconds)} after ${which}: the sender’s clock is ahead ` +
      '(or set to the wrong time zone), since a message cannot reach a server before it was written.';
  } else if (seconds > HELD_SUBMISSION_SECONDS) {
    kind = 'held';
    message =
      `Date is ${describeSeconds(seconds)} before ${which}: the submission was held or delayed ` +
      '(an outbox while offline, a draft or scheduled send, a queue on the sender’s side), or ' +
      'the sender’s clock is behind.';
  }
  // the one-line form has no full stop of its own, the sentences do
  if (zoneNote) message += (kind === 'submission' ? '.' : '') + zoneNote;
  const line: DateToFirstHop = {
    date: date.iso,
    zoneKnown: date.zoneKnown,
    hop: hop.index,
    seconds,
    kind,
    message,
  };
  // a skewed or held submission is a finding like a hop's clock skew: API readers get it among
  // the warnings too
  const found: Warning[] =
    kind === 'submission'
      ? []
      : [{ code: kind === 'held' ? 'date-held' : 'date-clock-ahead', message }];
  return { line, warnings: found };
}
