import { useState } from 'react';
import { ConfirmActions } from '../layout/ConfirmActions';
import { Dialog } from '../layout/Dialog';
import { serverWords } from '../api/http-transport';

type Sweep = 'read' | 'delete';

function plural(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'}`;
}

/**
 * Mailpit's "Mark all read" and "Delete all": over everything the list shows (every message, a
 * mailbox, or what a search matches, not only the rows loaded), each asked once before it runs
 * as Mailpit asks, saying how many and which.
 */
export function ListActions(props: {
  /** Messages in the list (all of them, not just those loaded). */
  total: number;
  /** What the list shows, in the search syntax; empty for every message. */
  query: string;
  /** Mailpit's --hide-delete-all-button: only Mark all read is offered. */
  hideDeleteAll?: boolean;
  onMarkAllRead(): Promise<void>;
  onDeleteAll(): Promise<void>;
}) {
  const [asking, setAsking] = useState<Sweep | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const which = props.query === '' ? '' : ` matching ${props.query}`;
  const run = async (sweep: Sweep) => {
    setAsking(null);
    setFailure(null);
    try {
      await (sweep === 'read' ? props.onMarkAllRead() : props.onDeleteAll());
    } catch (error) {
      setFailure(serverWords(error));
    }
  };
  return (
    <div className="list-actions" role="toolbar" aria-label="Every message in the list">
      <button
        type="button"
        data-testid="mark-all-read"
        disabled={props.total === 0}
        onClick={() => setAsking('read')}
      >
        Mark all read
      </button>
      {!props.hideDeleteAll && (
        <button
          type="button"
          data-testid="delete-all"
          disabled={props.total === 0}
          onClick={() => setAsking('delete')}
        >
          Delete all
        </button>
      )}
      {failure && (
        <span className="error" role="alert">
          {failure}
        </span>
      )}
      {asking && (
        <Dialog
          title={asking === 'read' ? 'Mark all read' : 'Delete all'}
          onClose={() => setAsking(null)}
          className="confirm-dialog"
          testId="confirm-dialog"
        >
          <p data-testid="confirm-text">
            {asking === 'read'
              ? `This will mark ${plural(props.total)}${which} as read.`
              : `This will permanently delete ${plural(props.total)}${which}.`}
          </p>
          <ConfirmActions
            keepLabel="Cancel"
            onKeep={() => setAsking(null)}
            confirmLabel={asking === 'read' ? 'Mark read' : 'Delete'}
            onConfirm={() => void run(asking)}
            confirmTestId="confirm-sweep"
            harmless={asking === 'read'}
          />
        </Dialog>
      )}
    </div>
  );
}
