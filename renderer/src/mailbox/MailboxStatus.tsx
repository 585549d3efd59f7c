import type { EventStreamState } from '../api/client';

const streamLabels: Record<EventStreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Counts, and whether new mail will show up by itself. */
export function MailboxStatus(props: {
  total: number;
  unread: number;
  streamState: EventStreamState;
}) {
  const counts = `${props.total} ${props.total === 1 ? 'message' : 'messages'}, ${props.unread} unread`;
  return (
    <div className="mailbox-status" data-testid="mailbox-status" title={counts}>
      {/* under ~1020 px the short form is shown, so the toolbar keeps to one row (a second row
          cost the message header its Tags line at 900×650); the sentence is still what a screen
          reader reads */}
      <span data-testid="mailbox-counts">
        <span className="counts-full">{counts}</span>
        <span className="counts-short" aria-hidden="true">
          {props.total} · {props.unread} unread
        </span>
      </span>
      <span
        className={`stream-state stream-${props.streamState}`}
        data-testid="stream-state"
        data-state={props.streamState}
        role="status"
      >
        {streamLabels[props.streamState]}
      </span>
    </div>
  );
}
