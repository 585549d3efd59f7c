import type { QueueAction } from '../queue/queue-actions';
import { useUpstreamConfigured } from '../status/upstream-pause-context';

export type BulkAction = 'delete' | 'read' | 'unread' | QueueAction;

const actions: { id: BulkAction; label: string }[] = [
  { id: 'delete', label: 'Delete' },
  { id: 'read', label: 'Mark read' },
  { id: 'unread', label: 'Mark unread' },
  { id: 'hold', label: 'Hold' },
  { id: 'release', label: 'Release' },
  { id: 'retry', label: 'Retry' },
  { id: 'resend', label: 'Resend' },
  // asks first (how many messages and recipients it stops, that it cannot be undone)
  { id: 'cancel', label: 'Cancel delivery…' },
];

const done: Record<BulkAction, string> = {
  delete: 'deleted',
  read: 'marked read',
  unread: 'marked unread',
  hold: 'held',
  release: 'released',
  retry: 'due for a retry now',
  resend: 'queued to be sent again',
  cancel: 'cancelled',
};

/** What a screen reader hears once an action on the selection is done ("2 messages held"). Pure. */
export function bulkSentence(action: BulkAction, count: number): string {
  return `${count} ${count === 1 ? 'message' : 'messages'} ${done[action]}`;
}

/** What can be done to the selected messages at once. */
export function BulkBar(props: {
  count: number;
  onAction(action: BulkAction): void;
  /** Two selected: compare them (headers, text, HTML, attachments). */
  onCompare?(): void;
  onClear(): void;
}) {
  // a Resend without an upstream could only be refused, message by message
  const noUpstream = useUpstreamConfigured() === false;
  if (props.count === 0) return null;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected messages" data-testid="bulk-bar">
      <span className="bulk-count" data-testid="selected-count">
        {props.count} selected
      </span>
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          disabled={noUpstream && action.id === 'resend'}
          title={
            noUpstream && action.id === 'resend'
              ? 'Resend needs an upstream smart host: set one in Settings → Upstream'
              : undefined
          }
          onClick={() => props.onAction(action.id)}
        >
          {action.label}
        </button>
      ))}
      {props.onCompare && (
        <button
          type="button"
          disabled={props.count !== 2}
          title={props.count === 2 ? undefined : 'Select two messages to compare them'}
          onClick={props.onCompare}
        >
          Compare
        </button>
      )}
      <button type="button" onClick={props.onClear}>
        Clear selection
      </button>
    </div>
  );
}
