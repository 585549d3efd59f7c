// The service's events as Mailpit's live events, `{Type, Data}` on the WebSocket /api/events; the
// desktop window gets the same over IPC. A message listed becomes Mailpit's `new` event with the
// message summary, the list's counts its `stats` event; the other events already have the shapes the API contract declares.
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { ServiceEvent } from '../../core/relay-service.js';
import { toMailpitStats } from './mailpit-info.js';
import { toMessageSummary } from './mailpit-shapes.js';

export function toMailpitEvent(event: ServiceEvent): RelaydeskEvent {
  switch (event.Type) {
    case 'listed':
      return { Type: 'new', Data: toMessageSummary(event.Data) };
    case 'counted':
      return toMailpitStats(event);
    default:
      return event;
  }
}
