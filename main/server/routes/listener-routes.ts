// GET /api/v1/listeners: each listener besides the HTTP API, listening or why not (with the fix).
// An adapter over RelayService, like every route.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

export function registerListenerRoutes(app: FastifyInstance, service: RelayService): void {
  app.get(
    '/api/v1/listeners',
    {
      schema: {
        tags: ['SMTP'],
        summary:
          'Each listener besides the HTTP API (SMTP, SMTPS, POP3, POP3S): listening, or why it could not start and the fix',
      },
    },
    async () => service.listenerView(),
  );
}
