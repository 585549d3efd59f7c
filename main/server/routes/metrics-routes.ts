// `/metrics` for Prometheus (Mailpit serves one too): the text exposition format. Behind the UI
// password like the rest of the API when one is set (Prometheus scrapes with basic_auth).
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

export function registerMetricsRoutes(app: FastifyInstance, service: RelayService): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Relaydesk'],
        summary:
          'Prometheus metrics: messages, SMTP sessions per listener, refusals by reason, AUTH failures, delivery outcomes, the queue by state, spool bytes, parse failures',
        produces: ['text/plain'],
      },
    },
    async (_req, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(service.metricsText()),
  );
}
