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
  return (
    <div className="mailbox-status" data-testid="mailbox-status">
      <span data-testid="mailbox-counts">
        {props.total} {props.total === 1 ? 'message' : 'messages'}, {props.unread} unread
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
