// Mailpit's message checks: HTML compatibility, links and SpamAssassin, with Mailpit's paths and
// JSON shapes so its clients and its UI habits carry over. Adapters over RelayService.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { mailpitTextErrors } from '../http-errors.js';

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', description: 'Message ID, or `latest`' } },
  required: ['id'],
} as const;

export function registerCheckRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Checks'];

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/html-check',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          "How well email clients support the message's HTML and CSS, scored with caniemail.com's data (Mailpit shape, plus where each feature is used); 400 when there is no HTML part",
        params: idParam,
      },
    },
    async (req) => service.htmlCheck(req.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/sa-check',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          'SpamAssassin score and the rules that fired (Mailpit shape); `Error` says why when spamd is not available',
        params: idParam,
      },
    },
    async (req) => service.spamCheck(req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { follow?: string; get?: string } }>(
    '/api/v1/message/:id/link-check',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          'Every link and image URL with its HTTP status, checked with HEAD (Mailpit shape); `follow` follows redirects, `get` retries with GET when HEAD fails',
        params: idParam,
        querystring: {
          type: 'object',
          properties: {
            follow: { type: 'string', enum: ['true', 'false', '1', '0'] },
            get: { type: 'string', enum: ['true', 'false', '1', '0'] },
          },
        },
      },
    },
    async (req) => {
      const flag = (value: string | undefined): boolean | undefined =>
        value === undefined ? undefined : value === 'true' || value === '1';
      return service.linkCheck(req.params.id, {
        follow: flag(req.query.follow),
        get: flag(req.query.get),
      });
    },
  );
}
