import { memo, type MouseEvent } from 'react';
import type { MessageSummary } from '../api/contract';
import {
  formatAddress,
  formatAddressList,
  formatFullDate,
  formatReceivedTime,
  formatSize,
  shortAddress,
  shortAddressList,
  shownSubject,
} from '../format/mail-format';
import { AttachmentMarker } from './AttachmentMarker';
import { StatusMark, type RowState } from './StatusMark';
import { TagChips } from '../tags/TagChips';

/** The tags the content filter sets, flagged in the list (quarantined, virus, not scanned). */
const filterFlags = ['quarantined', 'virus', 'not-scanned'];

/** Whether the filter holds the message: its row's state says Quarantined. */
function heldInQuarantine(tags: readonly string[]): boolean {
  return tags.includes('quarantined') && !tags.includes('released');
}

/**
 * The filter's flags a row shows, each fact once: a held message's state already says
 * Quarantined (a QUARANTINED flag beside it said it twice), so only what else the filter found
 * (VIRUS, NOT-SCANNED) is flagged; a released one keeps its `quarantined` tag (the Quarantine
 * view's history) and is flagged RELEASED beside its delivery state, so it does not read as held.
 */
function filterFlagsOf(tags: readonly string[]): string[] {
  const flags = filterFlags.filter((flag) => tags.includes(flag));
  if (heldInQuarantine(tags)) return flags.filter((flag) => flag !== 'quarantined');
  if (!tags.includes('released')) return flags;
  return flags.map((flag) => (flag === 'quarantined' ? 'released' : flag));
}

/**
 * The tags the detail line shows as chips: the user's own and other tools'. The filter's
 * (and `released`) are said by the row's state and flags already, and a `quarantined` chip next
 * to nothing new only repeated them; the sidebar's Quarantine and the tag filter still list them.
 */
function chipTagsOf(tags: readonly string[]): string[] {
  return tags.filter((tag) => !filterFlags.includes(tag) && tag !== 'released');
}

/**
 * A quarantined message has no delivery (it is kept and never relayed), so its summary has no
 * Status and it would read as captured; once released it has one, and says it as any row does.
 */
function rowState(message: MessageSummary): RowState {
  if (heldInQuarantine(message.Tags)) return 'quarantined';
  return message.Status ?? 'captured';
}

export function messageRowId(index: number): string {
  return `message-row-${index}`;
}

/** One message in the list: status, sender, recipients, subject, snippet, size, time. */
export function MessageRow(props: {
  index: number;
  total: number;
  message: MessageSummary | undefined;
  selected: boolean;
  active: boolean;
  opened: boolean;
  top: number;
  height: number;
  onPick(index: number, event: MouseEvent): void;
  /** A tag chip clicked: the list of that tag. */
  onShowTag(tag: string): void;
}) {
  const { message, index } = props;
  const style = { transform: `translateY(${props.top}px)`, height: props.height };
  if (!message) {
    return (
      <div
        id={messageRowId(index)}
        role="option"
        aria-selected={false}
        aria-setsize={props.total}
        aria-posinset={index + 1}
        className={`message-row placeholder${props.active ? ' active' : ''}`}
        data-testid="message-row-loading"
        style={style}
      >
        Loading…
      </div>
    );
  }
  const unread = !message.Read;
  const classes = [
    'message-row',
    unread && 'unread',
    props.active && 'active',
    props.opened && 'opened',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={messageRowId(index)}
      role="option"
      aria-selected={props.selected}
      aria-setsize={props.total}
      aria-posinset={index + 1}
      className={classes}
      data-testid="message-row"
      data-message-id={message.ID}
      data-index={index}
      data-unread={unread}
      style={style}
      onClick={(event) => props.onPick(index, event)}
    >
      <MessageRowContent
        message={message}
        today={new Date().toDateString()}
        onShowTag={props.onShowTag}
      />
    </div>
  );
}

/**
 * The sender: the From header's, else (a scanner's or a printer's mail has no From) the
 * envelope's MAIL FROM, marked as such, since "(no sender)" hid a sender Relaydesk knew.
 */
function RowSender({ message, unread }: { message: MessageSummary; unread: boolean }) {
  const from = shortAddress(message.From);
  const envelope = from === '' && message.MailFrom !== '';
  return (
    <span
      className={`row-from${envelope ? ' row-from-envelope' : ''}`}
      title={
        envelope
          ? `No From header: ${message.MailFrom} is the envelope's sender (MAIL FROM)`
          : formatAddress(message.From)
      }
      data-testid="message-row-from"
    >
      {unread && <span className="visually-hidden">Unread, </span>}
      {envelope && (
        <>
          <span className="row-envelope-mark" aria-hidden="true">
            MAIL FROM
          </span>
          <span className="visually-hidden">No From header; envelope sender </span>
        </>
      )}
      {envelope ? message.MailFrom : from || '(no sender)'}
    </span>
  );
}

/**
 * What a row says, drawn again only when its message changes: an arrival moves every row in
 * sight down (their position, index and count change), and formatting each one's dates and
 * addresses again on every batch of a burst cost the page as much as the new rows did.
 */
const MessageRowContent = memo(function MessageRowContent({
  message,
  onShowTag,
}: {
  message: MessageSummary;
  /** Today's date: a time of day becomes a date at midnight (formatReceivedTime). */
  today: string;
  onShowTag(tag: string): void;
}) {
  // mail with no To (cron, msmtp, `sendmail rcpt`) names whom it went to: Cc, else the envelope
  const shownRecipients = [message.To, message.Cc, message.Bcc].find((l) => l.length > 0) ?? [];
  const unread = !message.Read;
  const chips = chipTagsOf(message.Tags);
  return (
    <>
      <span className="row-who">
        <StatusMark status={rowState(message)} />
        <RowSender message={message} unread={unread} />
      </span>
      <span className="row-time" title={formatFullDate(message.Created)}>
        {formatReceivedTime(message.Created)}
      </span>
      <span className="row-subject" data-testid="message-row-subject">
        {filterFlagsOf(message.Tags).map((tag) => (
          <span key={tag} className={`row-flag flag-${tag}`} data-testid="message-row-flag">
            {tag}
          </span>
        ))}
        <span className="row-subject-text">{shownSubject(message.Subject)}</span>
      </span>
      <span className="row-size">{formatSize(message.Size)}</span>
      <span className="row-detail">
        <span className="row-to" title={formatAddressList(shownRecipients)}>
          to {shortAddressList(shownRecipients) || '(no recipients)'}
        </span>
        <span className="row-snippet">{message.Snippet}</span>
        {/* on the detail line, not in the time and size column: a message's tags there made
            that column as wide as its chips, and the subject beside it went down to a few px */}
        <span className="row-attachments">
          <TagChips tags={chips} onShowTag={onShowTag} />
          {/* the narrowest list shows how many tags in place of the chips (styles.css): every
              tag is still read out, so the count is for the eye only */}
          {chips.length > 1 && (
            <span
              className="tag-more"
              data-testid="tag-more"
              aria-hidden="true"
              title={`Tagged ${chips.join(', ')}`}
            >
              {chips.length} tags
            </span>
          )}
          {message.Attachments > 0 && <AttachmentMarker count={message.Attachments} />}
        </span>
      </span>
    </>
  );
});
