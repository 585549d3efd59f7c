import { useRef, type ReactNode } from 'react';
import type { HeaderProblem, MailAddress, MessageDetail } from '../api/contract';
import { formatAddress, formatFullDate, shownMailText, shownSubject } from '../format/mail-format';
import { TagEditor } from '../tags/TagEditor';
import { CollapsedList } from './CollapsedList';
import { UnsubscribeField } from './UnsubscribeField';
import { focusLanding } from '../layout/focus-landing';
import { useScrollsDown } from './use-scrolls-down';

/**
 * One address, kept whole: a narrow pane breaks a list between addresses, never inside one ("Jane"
 * on one line, "Doe <jane@…>" on the next); one too long for the pane is cut with an ellipsis and
 * reads whole in its tooltip.
 */
function AddressText({ address, comma }: { address: MailAddress; comma?: boolean }) {
  const text = formatAddress(address);
  // the comma inside: a line never starts with it (a cut address, alone on its line, loses it)
  return (
    <span className="address" title={text}>
      {text}
      {comma && ','}
    </span>
  );
}

function AddressList({ addresses }: { addresses: readonly MailAddress[] }) {
  return addresses.map((address, index) => (
    <span key={index}>
      {index > 0 && ' '}
      <AddressText address={address} comma={index < addresses.length - 1} />
    </span>
  ));
}

/** An address field: the first few addresses and "+N more" when there are dozens. */
function addressField(label: string, addresses: MailAddress[], testId: string): ReactNode {
  if (addresses.length === 0) return null;
  return (
    <CollapsedList
      items={addresses}
      label={`${label} recipients`}
      testId={`${testId}-more`}
      render={(shown) => (
        <>
          <span data-testid={testId}>
            <AddressList addresses={shown} />
          </span>
          {shown.length < addresses.length ? ', ' : ' '}
        </>
      )}
    />
  );
}

/**
 * A sender's bug that only shows elsewhere: bytes in a header that are neither UTF-8 nor
 * encoded. Said with the fix, since the developer who reads it is the one who can make it.
 */
function unencodedWords(fields: string[]): string {
  const names =
    fields.length === 1
      ? `The ${fields[0]} field has`
      : `The ${fields.slice(0, -1).join(', ')} and ${fields.at(-1)} fields have`;
  return (
    `${names} 8-bit bytes neither UTF-8 nor encoded (shown as �): mail programs guess what ` +
    `they say. Encode ${fields.length === 1 ? 'it' : 'them'} as RFC 2047 words (=?UTF-8?Q?…?=), as mail libraries do.`
  );
}

/** Why the Date shown is the time it arrived, when the message's own cannot be shown. */
function dateProblem(problems: readonly HeaderProblem[]): string | null {
  const problem = problems.find((p) => p.field === 'Date');
  if (problem?.problem === 'missing') {
    return (
      'when it arrived here: the message has no Date field, which every message needs (RFC 5322 §3.6)' +
      (problem.addedWhenRelayed ? '; Relaydesk adds this one to the copy it relays' : '')
    );
  }
  if (problem?.problem === 'malformed') {
    return `when it arrived here: its Date field “${problem.value}” is not a date mail programs read (RFC 5322 §3.3)`;
  }
  return null;
}

/**
 * The other header bugs, each with what a receiver does about it: Gmail's refusals are the ones
 * a developer meets first, in its own words, so the bounce they may have seen is recognised.
 */
function headerProblemWords(problem: HeaderProblem): string | null {
  if (problem.problem === 'repeated') {
    return (
      `${problem.count} ${problem.field} fields, where RFC 5322 §3.6 allows one: Gmail refuses ` +
      `such mail (“not RFC 5322 compliant: duplicate headers”) and other programs show either one.`
    );
  }
  if (problem.field !== 'Message-ID') return null;
  if (problem.problem === 'missing') {
    return (
      'No Message-ID: Gmail refuses such mail (“Messages missing a valid Message-ID header are ' +
      'not accepted”) unless a server on the way adds one' +
      (problem.addedWhenRelayed
        ? ', as Relaydesk does to the copy it relays (Settings → Upstream; the Delivery tab shows ' +
          'it). The sender should still add one, as mail libraries do.'
        : '. Add Message-ID: <a-unique-id@your-domain>, as mail libraries do.')
    );
  }
  return (
    `The Message-ID “${problem.value}” is not in the form <unique-id@domain> (RFC 5322 §3.6.4): ` +
    'Gmail refuses or replaces it.'
  );
}

/** Subject and the header fields people read first. */
export function MessageHeader({
  message,
  onShowTag,
  actions,
}: {
  message: MessageDetail;
  onShowTag(tag: string): void;
  /** What can be done to the message, on the subject's line (it costs the body no height). */
  actions?: ReactNode;
}) {
  /*
   * In a short window the fields scroll in their own box (styles.css), and what lies below its
   * edge (the header problems: "No Message-ID: Gmail refuses such mail…") holds nothing to Tab
   * to: by keyboard it could not be scrolled into sight. While it scrolls, the box itself is a
   * Tab stop, which the arrow keys and Page Down scroll.
   */
  const box = useRef<HTMLElement>(null);
  const scrolls = useScrollsDown(box);
  const date = formatFullDate(message.Date ?? message.Created);
  const dateNote = dateProblem(message.HeaderProblems);
  const otherProblems = message.HeaderProblems.flatMap((p) => headerProblemWords(p) ?? []);
  const fields: { label: string; value: ReactNode }[] = [
    {
      label: 'From',
      value:
        message.From && message.From.Address !== '' ? (
          <span data-testid="message-from">
            <AddressText address={message.From} />
          </span>
        ) : (
          // a sender's bug a capture tool is there to show: the message would not be delivered
          <span className="flag" data-testid="message-from-missing">
            none: the message has no From address, which every message needs (RFC 5322 §3.6); Gmail
            refuses such mail
          </span>
        ),
    },
    { label: 'To', value: addressField('To', message.To, 'message-to') },
    { label: 'Cc', value: addressField('Cc', message.Cc, 'message-cc') },
    { label: 'Bcc', value: addressField('Bcc', message.Bcc, 'message-bcc') },
    {
      label: 'Date',
      value: date && (
        <>
          <span data-testid="message-date">{date}</span>
          {dateNote && (
            <>
              {' '}
              <span className="flag" data-testid="message-date-problem">
                {dateNote}
              </span>
            </>
          )}
        </>
      ),
    },
    // a newsletter's List-Unsubscribe, read and checked (Mailpit's "Unsubscribe" beside From)
    {
      label: 'Unsubscribe',
      value: message.ListUnsubscribe.Header !== '' && (
        <UnsubscribeField unsubscribe={message.ListUnsubscribe} />
      ),
    },
    // last, as in Mailpit's header table: in a short window the addresses stay in sight first
    {
      label: 'Tags',
      value: <TagEditor messageId={message.ID} tags={message.Tags} onShowTag={onShowTag} />,
    },
  ];
  return (
    <header
      ref={box}
      className="message-header"
      {...(scrolls ? { tabIndex: 0, role: 'group', 'aria-label': 'Message header (scrolls)' } : {})}
    >
      <div className="subject-row">
        {/* before the subject, floated right in a tall window, so a long subject's lines run on
            under the buttons across the pane instead of down a column beside them (a 400-character
            subject was 14 lines a third of the pane wide, the body a scroll away); a short window
            keeps them after it in its flex row */}
        {actions}
        {/* a short window cuts a long subject to one line: the tooltip keeps it whole */}
        <h2
          {...focusLanding}
          data-testid="message-subject"
          title={shownMailText(message.Subject) || undefined}
        >
          {shownSubject(message.Subject)}
        </h2>
      </div>
      <dl>
        {fields
          .filter((field) => field.value)
          .map((field) => (
            <div key={field.label} className="header-field">
              <dt>{field.label}</dt>
              <dd>{field.value}</dd>
            </div>
          ))}
      </dl>
      {message.ParseError && (
        <p className="body-notice error" role="alert">
          The MIME structure could not be read ({message.ParseError}), so no body or attachment is
          shown. The Source tab and Download .eml have the message as it came.
        </p>
      )}
      {otherProblems.length > 0 && (
        <div className="body-notice header-problems" data-testid="header-problems">
          {otherProblems.map((words) => (
            <p key={words}>{words}</p>
          ))}
        </div>
      )}
      {message.UnencodedHeaders.length > 0 && (
        <p className="body-notice unencoded-headers" data-testid="unencoded-headers">
          {unencodedWords(message.UnencodedHeaders)}
        </p>
      )}
    </header>
  );
}
