// The relay queue over HTTP: what waits and why, each recipient's delivery, the actions on
// messages, the upstream connection test and the routing test.
import type { FastifyInstance } from 'fastify';
import type { QueueActionResult, RecipientState } from '../../../preload/api-contract.js';
import { QueueError } from '../../core/queue/queue-error.js';
import type { RelayService } from '../../core/relay-service.js';
import { toDeliveryAnswer } from '../delivery-answer.js';
import { toQueueView } from '../mailpit/mailpit-shapes.js';
import { recipientStates } from '../../../preload/api-methods.js';
import { deliveryResponse } from './delivery-schema.js';
import { BadRequestError, mailpitTextErrors } from '../http-errors.js';

const idsBody = {
  type: 'object',
  properties: {
    IDs: { type: 'array', items: { type: 'string' }, description: 'Message IDs' },
    To: { type: 'array', items: { type: 'string' }, description: 'resend only: other recipients' },
    Held: {
      type: 'boolean',
      description: 'cancel only, without IDs: every held message (postsuper -d ALL hold)',
    },
    Suspension: {
      type: 'string',
      description: 'cancel with Held only: just the mail held for this suspension',
    },
  },
} as const;

/**
 * Cancel by IDs, or — as retry without IDs takes everything deferred — every held message with
 * `Held` (a hacked workstation's held mail in one request rather than one per message).
 */
function cancel(
  service: RelayService,
  ids: string[],
  body: { Held?: boolean; Suspension?: string },
): Promise<QueueActionResult> {
  if (body.Held === undefined && body.Suspension !== undefined) {
    throw new QueueError(
      `Suspension: ${JSON.stringify(body.Suspension)} is given without Held; send {"Held": true, "Suspension": ${JSON.stringify(body.Suspension)}} to cancel the mail held for it`,
    );
  }
  if (body.Held === undefined) return service.cancelMessages(ids);
  if (body.Held !== true) {
    throw new QueueError(
      'Held: false selects nothing; send {"Held": true} to cancel every held message, or IDs to cancel those',
    );
  }
  if (ids.length > 0) {
    throw new QueueError(
      `IDs and Held: give one of them, not both; {"IDs": [${ids.map((id) => JSON.stringify(id)).join(', ')}]} cancels those messages, {"Held": true} every held one`,
    );
  }
  return service.cancelHeld(body.Suspension);
}

export function registerQueueRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Relay'];

  app.get<{ Querystring: { state?: RecipientState } }>(
    '/api/v1/queue',
    {
      schema: {
        tags,
        summary:
          'Messages with work left (or with a recipient in `state`; quarantined: the mail the filter holds), the upstream pause, and what the rate limit holds back (rateLimited)',
        querystring: {
          type: 'object',
          properties: { state: { type: 'string', enum: [...recipientStates] } },
        },
      },
    },
    async (req) => toQueueView(service.queueState(req.query.state)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/delivery',
    {
      schema: {
        tags,
        summary: 'Delivery status of each recipient, with every attempt, reply and transcript',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: deliveryResponse,
      },
    },
    async (req) => toDeliveryAnswer(service.delivery(req.params.id)),
  );

  app.post<{
    Params: { action: 'hold' | 'release' | 'retry' | 'resend' | 'cancel' };
    Body: { IDs?: string[]; To?: string[]; Held?: boolean; Suspension?: string } | undefined;
  }>(
    '/api/v1/queue/:action',
    {
      schema: {
        tags,
        summary:
          'hold, release, retry (without IDs: everything deferred), resend (bounced, expired or captured; To for other recipients) or cancel (never try again; without IDs and with Held: every held message, or with Suspension those held for it)',
        params: {
          type: 'object',
          properties: {
            action: { type: 'string', enum: ['hold', 'release', 'retry', 'resend', 'cancel'] },
          },
          required: ['action'],
        },
        body: { ...idsBody, nullable: true },
      },
    },
    async (req) => {
      const ids = req.body?.IDs ?? [];
      switch (req.params.action) {
        case 'hold':
          return service.holdMessages(ids);
        case 'release':
          return service.releaseMessages(ids);
        case 'retry':
          return service.retryMessages(ids);
        case 'cancel':
          return cancel(service, ids, req.body ?? {});
        case 'resend':
          return service.resendMessages(ids, req.body?.To ?? null);
      }
    },
  );

  app.post<{ Params: { id: string }; Body: { To?: string[] } | undefined }>(
    '/api/v1/message/:id/release',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: ['Mailpit'],
        summary:
          "Mailpit's release: send the message on through the upstream, to `To`; answers `ok` once the upstream took it (after 30 s still waiting: `ok`, it stays queued), 400 `SMTP error: …` with the upstream's refusal or the pause that holds it (a deferral is still retried)",
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        body: {
          type: 'object',
          nullable: true,
          properties: { To: { type: 'array', items: { type: 'string' }, minItems: 1 } },
          required: ['To'],
        },
      },
    },
    async (req, reply) => {
      // as Mailpit's: `ok` once the upstream took it, else its refusal as `SMTP error: …`
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      const outcome = await service.releaseMessage(
        req.params.id,
        req.body?.To ?? null,
        undefined,
        abort.signal,
      );
      if (outcome.paused !== null) {
        throw new BadRequestError(
          `SMTP error: relaying is paused (${outcome.paused}); the message waits in the queue and goes when the pause ends`,
        );
      }
      if (outcome.refused.length > 0) {
        const why = (r: (typeof outcome.refused)[number]): string => {
          if (r.state !== 'deferred') return r.state;
          return r.waitsForUpstream
            ? 'deferred: it goes when the upstream answers again'
            : 'deferred: the queue tries again at its retry time';
        };
        const refusals = outcome.refused.map((r) => `${r.address}: ${r.reply} (${why(r)})`);
        throw new BadRequestError(`SMTP error: ${refusals.join('; ')}`);
      }
      return reply.type('text/plain').send('ok');
    },
  );

  app.post<{ Body: Record<string, unknown> | undefined }>(
    '/api/v1/relay/test',
    {
      schema: {
        tags,
        summary:
          'Test the upstream step by step (connect, greeting, EHLO, STARTTLS/TLS, certificate, AUTH); sends no mail. Body: the parts of the upstream to try otherwise ({"port": 465}; the rest are the saved ones, as in a PUT of relay), or none for the saved upstream',
      },
    },
    async (req) =>
      service.testRelay(req.body && Object.keys(req.body).length > 0 ? req.body : undefined),
  );

  app.get<{ Querystring: { sesRegion?: string } }>(
    '/api/v1/relay/presets',
    {
      schema: {
        tags,
        summary: 'Provider presets (host, port, security, notes) to fill the upstream settings',
        querystring: {
          type: 'object',
          properties: { sesRegion: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' } },
        },
      },
    },
    async (req) => service.upstreamPresets(req.query.sesRegion),
  );

  app.get<{ Querystring: { limit: number } }>(
    '/api/v1/relay/log',
    {
      schema: {
        tags,
        summary: 'Recent relay log lines, one per attempt, in Postfix’s shape',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
      },
    },
    async (req) => service.relayLogLines(req.query.limit),
  );

  app.post<{ Body: { recipient: string; sender?: string; user?: string | null } }>(
    '/api/v1/routing/test',
    {
      schema: {
        tags,
        summary: 'Which routing rule decides for an address, and why',
        body: {
          type: 'object',
          properties: {
            recipient: { type: 'string', minLength: 1 },
            sender: { type: 'string' },
            user: { type: 'string', nullable: true },
          },
          required: ['recipient'],
        },
      },
    },
    async (req) =>
      service.explainRoute({
        recipient: req.body.recipient,
        sender: req.body.sender ?? '',
        user: req.body.user ?? null,
      }),
  );

  app.get(
    '/api/v1/mailboxes',
    {
      schema: { tags, summary: 'Mailboxes with their message counts (filter with `mailbox:NAME`)' },
    },
    async () => service.mailboxes(),
  );
}
