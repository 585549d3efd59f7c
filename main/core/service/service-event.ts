// What the service tells its adapters as things happen. A message that joins the list is told
// as our own record: each adapter shows it in its own shape (the WebSocket, webhooks and the
// desktop window as Mailpit's `new` event, main/server/mailpit/mailpit-events.ts), and so are the
// list's counts (Mailpit's `stats`). The other events are small and already the shapes the API
// contract declares.
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import type { MessagesCounted } from './runtime-figures.js';

/** A message was stored and is now listed: over SMTP, the Send API, an import or our own DSN. */
export interface MessageListed {
  Type: 'listed';
  Data: MessageRecord;
}

export type ServiceEvent =
  Exclude<RelaydeskEvent, { Type: 'new' | 'stats' }> | MessageListed | MessagesCounted;
