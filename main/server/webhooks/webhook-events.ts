// Webhooks follow the service's events, so every way a message comes in (SMTP, the Send API, an
// import, our own DSNs) is covered: a message listed is POSTed as Mailpit's summary, a change of a
// message's delivery status as Relaydesk's delivery body. The service sends them; the bodies are
// shaped here, at the edge, as the WebSocket's events are.
import type { MessageRecord } from '../../core/message-record.js';
import { NotFoundError, type RelayService, type ServiceEvent } from '../../core/relay-service.js';
import { deliveryPayload, newMessagePayload } from './webhook-payloads.js';

/**
 * Starts turning the service's events into webhooks while a URL is set (a URL saved in Settings
 * applies at once, so this listens from the start); returns a stop.
 */
export function sendEventsAsWebhooks(service: RelayService): () => void {
  const onEvent = (event: ServiceEvent): void => {
    // no body is shaped while no URL is set
    if (!service.webhooksOn) return;
    if (event.Type === 'listed') {
      service.queueWebhook('new', event.Data.id, newMessagePayload(event.Data));
    } else if (event.Type === 'update' && event.Data.Status !== undefined) {
      const record = knownRecord(service, event.Data.ID);
      if (record) service.queueWebhook('delivery', record.id, deliveryPayload(record));
    }
  };
  service.on('event', onEvent);
  return () => service.off('event', onEvent);
}

/** The message, or null when it was deleted before its event was handled. */
function knownRecord(service: RelayService, id: string): MessageRecord | null {
  try {
    return service.record(id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
