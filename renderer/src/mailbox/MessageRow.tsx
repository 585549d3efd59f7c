import type { MessageSummary } from '../api/contract';
import {
  formatAddress,
  formatAddressList,
  formatFullDate,
  formatReceivedTime,
  formatSize,
  shortAddress,
  shortAddressList,
} from '../format/mail-format';
import { AttachmentMarker } from './AttachmentMarker';
import { TagChips } from '../tags/TagChips';

export function messageRowId(id: string): string {
  return `message-row-${id}`;
}

/** One message in the list: sender, subject, recipients, time received, size. */
export function MessageRow(props: {
  message: MessageSummary;
  selected: boolean;
  active: boolean;
  onOpen(): void;
}) {
  const { message } = props;
  const unread = !message.Read;
  const classes = ['message-row', unread && 'unread', props.active && 'active']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      id={messageRowId(message.ID)}
      role="option"
      aria-selected={props.selected}
      className={classes}
      data-testid="message-row"
      data-message-id={message.ID}
      data-unread={unread}
      onClick={props.onOpen}
    >
      <span className="row-from" title={formatAddress(message.From)}>
        {unread && <span className="visually-hidden">Unread, </span>}
        {shortAddress(message.From) || '(no sender)'}
      </span>
      <span className="row-time" title={formatFullDate(message.Created)}>
        {formatReceivedTime(message.Created)}
      </span>
      <span className="row-subject" data-testid="message-row-subject">
        {message.Subject || '(no subject)'}
      </span>
      <span className="row-size">{formatSize(message.Size)}</span>
      <span className="row-to" title={formatAddressList(message.To)}>
        to {shortAddressList(message.To) || '(no recipients)'}
      </span>
      <span className="row-attachments">
        <TagChips tags={message.Tags} />
        {message.Attachments > 0 && <AttachmentMarker count={message.Attachments} />}
      </span>
    </li>
  );
}
