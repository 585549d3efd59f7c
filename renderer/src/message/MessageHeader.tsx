import type { MessageDetail } from '../api/contract';
import { formatAddress, formatAddressList, formatFullDate } from '../format/mail-format';
import { TagChips } from '../tags/TagChips';

/** Subject and the header fields people read first. */
export function MessageHeader({ message }: { message: MessageDetail }) {
  const fields: { label: string; value: string; testId: string }[] = [
    { label: 'From', value: formatAddress(message.From), testId: 'message-from' },
    { label: 'To', value: formatAddressList(message.To), testId: 'message-to' },
    { label: 'Cc', value: formatAddressList(message.Cc), testId: 'message-cc' },
    { label: 'Bcc', value: formatAddressList(message.Bcc), testId: 'message-bcc' },
    {
      label: 'Date',
      value: formatFullDate(message.Date ?? message.Created),
      testId: 'message-date',
    },
  ];
  return (
    <header className="message-header">
      <h2 data-testid="message-subject">{message.Subject || '(no subject)'}</h2>
      <TagChips tags={message.Tags} />
      <dl>
        {fields
          .filter((field) => field.value !== '')
          .map((field) => (
            <div key={field.label} className="header-field">
              <dt>{field.label}</dt>
              <dd data-testid={field.testId}>{field.value}</dd>
            </div>
          ))}
      </dl>
      {message.ParseError && (
        <p className="body-notice error" role="alert">
          The MIME structure could not be read: {message.ParseError}
        </p>
      )}
    </header>
  );
}
