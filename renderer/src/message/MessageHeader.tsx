import type { ReactNode } from 'react';
import type { MailAddress, MessageDetail } from '../api/contract';
import { formatAddress, formatFullDate, shownMailText, shownSubject } from '../format/mail-format';
import { TagEditor } from '../tags/TagEditor';
import { CollapsedList } from './CollapsedList';
import { UnsubscribeField } from './UnsubscribeField';

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
  const date = formatFullDate(message.Date ?? message.Created);
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
      value: date && <span data-testid="message-date">{date}</span>,
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
    <header className="message-header">
      <div className="subject-row">
        {/* a short window cuts a long subject to one line: the tooltip keeps it whole */}
        <h2 data-testid="message-subject" title={shownMailText(message.Subject) || undefined}>
          {shownSubject(message.Subject)}
        </h2>
        {actions}
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
      {message.UnencodedHeaders.length > 0 && (
        <p className="body-notice unencoded-headers" data-testid="unencoded-headers">
          {unencodedWords(message.UnencodedHeaders)}
        </p>
      )}
    </header>
  );
}
