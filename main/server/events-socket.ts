// Live events: WebSocket `/api/events`, one JSON `{Type, Data}` per frame. By default the frames
// are Mailpit's own (its web UI and clients follow them); `?shape=relaydesk` gives the API
// contract's, which our GUI reads (mailpit-events.ts says how the two differ).
import type { FastifyInstance } from 'fastify';
import type { RelayService, ServiceEvent } from '../core/relay-service.js';
import { toMailpitEvent, toMailpitFrames } from './mailpit/mailpit-events.js';

export function registerEventsSocket(app: FastifyInstance, service: RelayService): void {
  app.get<{ Querystring: { shape?: 'mailpit' | 'relaydesk' } }>(
    '/api/events',
    {
      websocket: true,
      schema: {
        summary:
          "Live events (WebSocket): new, update, delete, truncate, prune, stats as {Type, Data}, as Mailpit sends them; ?shape=relaydesk: a deletion as one delete event listing its IDs (the API contract's, for Relaydesk's GUI)",
        tags: ['Mailpit'],
        querystring: {
          type: 'object',
          properties: { shape: { type: 'string', enum: ['mailpit', 'relaydesk'] } },
        },
      },
    },
    (socket, req) => {
      const frames =
        req.query.shape === 'relaydesk'
          ? (event: ServiceEvent) => [toMailpitEvent(event)]
          : toMailpitFrames;
      const forward = (event: ServiceEvent): void => {
        if (socket.readyState !== socket.OPEN) return;
        for (const frame of frames(event)) socket.send(JSON.stringify(frame));
      };
      service.on('event', forward);
      socket.on('close', () => service.off('event', forward));
      socket.on('error', () => service.off('event', forward));
    },
  );
}
