import type { EventStreamState } from '../api/client';

/** What the toolbar shows of the event stream, and what a screen reader says of it. */
const streamLabels: Record<EventStreamState, { shown: string; spoken: string }> = {
  connecting: { shown: 'Connecting…', spoken: 'Live updates connecting' },
  open: { shown: 'Live', spoken: 'Live updates on' },
  reconnecting: { shown: 'Reconnecting…', spoken: 'Live updates off, reconnecting' },
};

function messages(count: number): string {
  return `${count} ${count === 1 ? 'message' : 'messages'}`;
}

/**
 * Counts, and whether new mail will show up by itself. With a mailbox, tag or search narrowing
 * the list, the counts are the list's ("12 of 340 messages, 3 unread": the unread among the 12),
 * so the toolbar never gives the whole store's count beside a list of a few.
 */
export function MailboxStatus(props: {
  /** Every message, in every mailbox. */
  total: number;
  unread: number;
  /** What the list shows when something narrows it (null: the list is all mail). */
  shown: { total: number; unread: number } | null;
  /**
   * A search (or a mailbox or tag) narrows the list and has not answered yet: its counts are not
   * known, and the whole store's ("340 messages") beside a list about to show 3 would be a claim
   * the toolbar cannot make. Mailpit keeps its last count under a spinner; a count of the previous
   * search is no truer, so this says what is happening instead.
   */
  pending?: 'search' | 'view' | null;
  streamState: EventStreamState;
}) {
  const { shown, pending } = props;
  const waiting = pending === 'search' ? 'Searching' : 'Counting';
  const counts = pending
    ? `${waiting} ${messages(props.total)}…`
    : shown
      ? `${shown.total} of ${messages(props.total)}, ${shown.unread} unread`
      : `${messages(props.total)}, ${props.unread} unread`;
  const short = pending
    ? `${waiting}…`
    : shown
      ? `${shown.total} of ${props.total} · ${shown.unread} unread`
      : `${props.total} · ${props.unread} unread`;
  const stream = streamLabels[props.streamState];
  return (
    <div
      className="mailbox-status"
      data-testid="mailbox-status"
      title={
        pending
          ? `${counts} The count of what matches follows when the list has it.`
          : shown
            ? `Shown: ${counts} (${props.unread} unread in all)`
            : counts
      }
    >
      {/* under ~1020 px the short form is shown, so the toolbar keeps to one row (a second row
          cost the message header its Tags line at 900×650); the sentence is still what a screen
          reader reads */}
      <span
        data-testid="mailbox-counts"
        className={pending ? 'counts-pending' : undefined}
        data-pending={pending ? 'true' : undefined}
      >
        <span className="counts-full">{counts}</span>
        <span className="counts-short" aria-hidden="true">
          {short}
        </span>
      </span>
      {/* the dot is drawn, not said ("black circle Live"), and "Live" alone does not say what
          is live: a screen reader hears the state as a sentence */}
      <span
        className={`stream-state stream-${props.streamState}`}
        data-testid="stream-state"
        data-state={props.streamState}
        role="status"
      >
        <span className="stream-dot" aria-hidden="true">
          ●
        </span>{' '}
        <span aria-hidden="true">{stream.shown}</span>
        <span className="visually-hidden">{stream.spoken}</span>
      </span>
    </div>
  );
}
