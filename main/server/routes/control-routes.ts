// Routes the GUI needs beyond the queue's: pausing and resuming the upstream by hand, and the
// audit and service logs. Adapters over RelayService, like every route.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';

const logLimit = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
} as const;

export function registerControlRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Relay'];

  app.post<{ Body: { reason?: string } | undefined }>(
    '/api/v1/relay/pause',
    {
      schema: {
        tags,
        summary: 'Pause the upstream by hand: nothing is sent until it is resumed',
        body: {
          type: 'object',
          nullable: true,
          properties: { reason: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (req) => service.pauseUpstream(req.body?.reason || undefined),
  );

  app.post(
    '/api/v1/relay/resume',
    {
      schema: {
        tags,
        summary: 'Resume sending to the upstream (after a pause by hand or by failure)',
      },
    },
    async () => service.resumeUpstream(),
  );

  app.post(
    '/api/v1/smtp/pause',
    {
      schema: {
        tags: ['SMTP'],
        summary: 'Pause receiving: new SMTP connections get 421 4.3.2 (senders retry later)',
      },
    },
    async () => service.pauseReceiving(),
  );

  app.post(
    '/api/v1/smtp/resume',
    { schema: { tags: ['SMTP'], summary: 'Resume receiving SMTP connections' } },
    async () => service.resumeReceiving(),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/audit/log',
    {
      schema: {
        tags: ['Users'],
        summary:
          'Recent audit lines: SMTP connections, AUTH, messages accepted or refused, UI logins',
        querystring: logLimit,
      },
    },
    async (req) => service.auditLogLines(req.query.limit),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/service/log',
    {
      schema: {
        tags: ['Relaydesk'],
        summary:
          'Recent service lines: the app’s own notes (start, the index, the journals, quarantined files, failures)',
        querystring: logLimit,
      },
    },
    async (req) => service.serviceLogLines(req.query.limit),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/smtp/sessions',
    {
      schema: {
        tags: ['SMTP'],
        summary:
          'The last SMTP sessions, newest first: client, EHLO name, AUTH user, TLS, messages stored, refusals (kept in memory since the start)',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
        },
      },
    },
    async (req) => service.smtpSessions(req.query.limit),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/smtp/sessions/:id',
    {
      schema: {
        tags: ['SMTP'],
        summary:
          'One SMTP session’s conversation: each command (AUTH’s credentials hidden) and reply, with TLS, the message sizes and how it ended',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.smtpSession(req.params.id),
  );

  app.delete(
    '/api/v1/smtp/sessions',
    {
      schema: {
        tags: ['SMTP'],
        summary: 'Delete every ended SMTP session from the list (open ones stay)',
      },
    },
    async () => service.deleteSmtpSessions(),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/smtp/sessions/:id',
    {
      schema: {
        tags: ['SMTP'],
        summary: 'Delete one ended SMTP session from the list',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.deleteSmtpSessions(req.params.id),
  );
}
