// The header fields a message gets wrong that receivers refuse or rewrite: no Date or Message-ID,
// a Message-ID not in RFC 5322's <left@right> form, a field that may appear once given twice.
// Mail libraries get these right; a hand-built message (PHP's mail(), a script writing headers
// itself, a template system adding its own Subject) often does not, and nothing shows it until
// Gmail answers `550-5.7.1 Messages missing a valid Message-ID header are not accepted` or
// `not RFC 5322 compliant: duplicate headers`. Mailpit adds a Message-ID to such a message when it
// stores it, which hides the bug; Relaydesk keeps the message as sent and says what is wrong.
import { parseMailDate } from '../mail/mail-date.js';
import { canonicalHeaderName, headerMap } from './header-fields.js';

export type HeaderProblem =
  /** RFC 5322 §3.6: Date is required; Message-ID SHOULD be there, and Gmail refuses mail without. */
  | { field: 'Date' | 'Message-ID'; problem: 'missing'; addedWhenRelayed?: true }
  /** The value as written: a Date no mail program reads, a Message-ID not <left@right>. */
  | { field: 'Date' | 'Message-ID'; problem: 'malformed'; value: string }
  /** A field RFC 5322 §3.6 allows at most once (named as the RFC spells it), and how often. */
  | { field: string; problem: 'repeated'; count: number };

/** RFC 5322 §3.6's table: the fields with a maximum of one. */
const atMostOnce = [
  'Date',
  'From',
  'Sender',
  'Reply-To',
  'To',
  'Cc',
  'Bcc',
  'Message-ID',
  'In-Reply-To',
  'References',
  'Subject',
];

// RFC 5322 §3.6.4 msg-id, as receivers check it: one <…@…> with no spaces, brackets or a second @
// (Gmail takes a dot-atom or a quoted left part; a colon in it, say, is refused), where a comment
// after it is allowed (CFWS)
const messageIdForm = /^<[^<>@\s]+@[^<>@\s]+>(?:\s*\([^()]*\))?$/;

/**
 * What is wrong with the top-level header (a From with no address is not here: the From field
 * says that itself). The message as sent, not as any program repaired it.
 */
export function headerProblems(raw: Uint8Array): HeaderProblem[] {
  const values = headerMap(raw);
  const problems: HeaderProblem[] = [];
  const named = (field: string) => values[canonicalHeaderName(field)]?.map((value) => value.trim());
  const date = named('Date');
  if (!date) problems.push({ field: 'Date', problem: 'missing' });
  else if (date.length === 1 && parseMailDate(date[0] ?? '') === null) {
    problems.push({ field: 'Date', problem: 'malformed', value: date[0] ?? '' });
  }
  const messageId = named('Message-ID');
  if (!messageId) problems.push({ field: 'Message-ID', problem: 'missing' });
  else if (messageId.length === 1 && !messageIdForm.test(messageId[0] ?? '')) {
    problems.push({ field: 'Message-ID', problem: 'malformed', value: messageId[0] ?? '' });
  }
  for (const field of atMostOnce) {
    const count = named(field)?.length ?? 0;
    if (count > 1) problems.push({ field, problem: 'repeated', count });
  }
  return problems;
}
