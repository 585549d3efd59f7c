// What the service tells its adapters as things happen. A message that joins the list is told
// as our own record: each adapter shows it in its own shape (the WebSocket, webhooks and the
// desktop window as Mailpit's `new` event, main/server/mailpit/mailpit-events.ts), and so are the
// list's counts (Mailpit's `stats`) and deletions (why they happened decides what Mailpit says:
// `delete` per message, `truncate` or `prune`). The other events are small and already the
// shapes the API contract declares.
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import type { MessagesCounted } from './runtime-figures.js';

/** A message was stored and is now listed: over SMTP, the Send API, an import or our own DSN. */
export interface MessageListed {
  Type: 'listed';
  Data: MessageRecord;
}

/**
 * Why messages were deleted: `request` by ID (API, GUI), `search` all matching a search, `all`
 * everything, `pop3` at a POP3 QUIT, `retention` by the retention settings (age, relayed mail
 * kept long enough), `cap` the oldest of all at the message cap.
 */
export type DeletionCause = 'request' | 'search' | 'all' | 'pop3' | 'retention' | 'cap';

export interface MessagesDeleted {
  Type: 'deleted';
  Data: { IDs: string[]; cause: DeletionCause };
}

export type ServiceEvent =
  | Exclude<RelaydeskEvent, { Type: 'new' | 'stats' | 'delete' }>
  | MessageListed
  | MessagesCounted
  | MessagesDeleted;
