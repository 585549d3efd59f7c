// Mailpit's live events: WebSocket `/api/events`, one JSON `{Type, Data}` per event.
import type { FastifyInstance } from 'fastify';
import type { RelayService, ServiceEvent } from '../core/relay-service.js';
import { toMailpitEvent } from './mailpit/mailpit-events.js';

export function registerEventsSocket(app: FastifyInstance, service: RelayService): void {
  app.get(
    '/api/events',
    {
      websocket: true,
      schema: {
        summary: 'Live events (WebSocket): new, update, delete, stats as {Type, Data}',
        tags: ['Mailpit'],
      },
    },
    (socket) => {
      const forward = (event: ServiceEvent): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(toMailpitEvent(event)));
      };
      service.on('event', forward);
      socket.on('close', () => service.off('event', forward));
      socket.on('error', () => service.off('event', forward));
    },
  );
}
