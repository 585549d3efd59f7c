// The service's events as live events, `{Type, Data}`. Two readings of one event:
// - `toMailpitEvent`: the API contract's, for our own GUI (over IPC, and on the WebSocket
//   /api/events?shape=relaydesk): a deletion is one `delete` event listing its IDs, and says
//   when they were the oldest of all, so the list redraws once and keeps its rows;
// - `toMailpitFrames`: what Mailpit itself sends on /api/events, for its web UI and the clients
//   that follow its events (internal/storage/messages.go, search.go, cron.go, pop3/server.go at
//   axllent/mailpit 408b30d5): `delete` with `{ID}` once per message, `truncate` after a
//   delete-all, `prune` (no data) when messages went by retention or POP3, and for a search
//   delete of more than 200 messages.
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { ServiceEvent } from '../../core/relay-service.js';
import type { MessagesDeleted } from '../../core/service/service-event.js';
import { toMailpitStats } from './mailpit-info.js';
import { toMessageSummary } from './mailpit-shapes.js';

export function toMailpitEvent(event: ServiceEvent): RelaydeskEvent {
  switch (event.Type) {
    case 'listed':
      return { Type: 'new', Data: toMessageSummary(event.Data) };
    case 'counted':
      return toMailpitStats(event);
    case 'deleted': {
      const { IDs, cause } = event.Data;
      if (cause === 'all') return { Type: 'delete', Data: null };
      return { Type: 'delete', Data: { IDs, ...(cause === 'cap' && { Oldest: true }) } };
    }
    default:
      return event;
  }
}

/** Mailpit's events that are not in our contract: it sends them, our GUI does not read them. */
export type MailpitOnlyFrame =
  | { Type: 'delete'; Data: { ID: string } }
  | { Type: 'truncate'; Data: null }
  | { Type: 'prune'; Data: null };

/** Mailpit's search delete sends `prune` instead of this many `delete` events. */
const searchDeleteOneByOne = 200;

function deletionFrames(event: MessagesDeleted): MailpitOnlyFrame[] {
  const { IDs, cause } = event.Data;
  const each = IDs.map((ID): MailpitOnlyFrame => ({ Type: 'delete', Data: { ID } }));
  const prune: MailpitOnlyFrame = { Type: 'prune', Data: null };
  switch (cause) {
    case 'all':
      return [{ Type: 'truncate', Data: null }];
    case 'retention':
    case 'cap':
      return [prune];
    case 'pop3':
      // Mailpit's POP3 deletes by ID (a `delete` each), then tells its UI to reload
      return [...each, prune];
    case 'search':
      return IDs.length > searchDeleteOneByOne ? [prune] : each;
    case 'request':
      return each;
  }
}

/** The frames Mailpit sends for this event, in its order (none, one or many). */
export function toMailpitFrames(event: ServiceEvent): Array<RelaydeskEvent | MailpitOnlyFrame> {
  return event.Type === 'deleted' ? deletionFrames(event) : [toMailpitEvent(event)];
}
