// Mailpit's message checks: HTML compatibility, links and SpamAssassin, with Mailpit's paths and
// JSON shapes so its clients and its UI habits carry over. Adapters over RelayService.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', description: 'Message ID, or `latest`' } },
  required: ['id'],
} as const;

export function registerCheckRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Checks'];

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/sa-check',
    {
      schema: {
        tags,
        summary:
          'SpamAssassin score and the rules that fired (Mailpit shape); `Error` says why when spamd is not available',
        params: idParam,
      },
    },
    async (req) => service.spamCheck(req.params.id),
  );
}
