// Content filtering and sender control over HTTP: suspensions (what `relaydesk suspend` calls),
// quota usage, the warm-up state of the upstream, the scanner's state, the quarantine and the
// filter's decision on one message. Adapters over RelayService; no logic here.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { toMessagesPage } from '../mailpit/mailpit-shapes.js';

const suspensionView = {
  type: 'object',
  properties: {
    ID: { type: 'string' },
    Kind: { type: 'string', enum: ['ip', 'cidr', 'user', 'sender'] },
    Value: { type: 'string' },
    Reason: { type: 'string' },
    Created: { type: 'string', format: 'date-time', description: 'when it was made' },
    Auto: {
      type: 'boolean',
      description: 'made by the anomaly alert (anomalyPause), not by a person',
    },
  },
} as const;

export function registerSenderControlRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Filtering and sender control'];

  app.get(
    '/api/v1/suspensions',
    {
      schema: {
        tags,
        summary: 'Suspended client IPs, CIDRs, SMTP users and senders',
        response: { 200: { type: 'array', items: suspensionView } },
      },
    },
    async () => service.suspensions(),
  );

  app.post<{ Body: Record<string, unknown> | undefined }>(
    '/api/v1/suspensions',
    {
      schema: {
        tags,
        summary:
          'Suspend at once: ip/cidr get 421 4.7.0 at connect, user/sender 554 5.7.1 at MAIL, with the Reason; what they queued is held',
        body: {
          type: 'object',
          nullable: true,
          // checked by the service, whose messages name the value and the fix
          properties: {
            Kind: { type: 'string', description: 'ip, cidr, user or sender' },
            Value: { type: 'string', description: 'the address, CIDR, user name or sender (glob)' },
            Reason: { type: 'string', description: 'told to the client in the SMTP reply' },
          },
        },
      },
    },
    async (req, reply) => {
      return reply.code(201).send(await service.suspend(req.body));
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { release?: boolean } }>(
    '/api/v1/suspensions/:id',
    {
      schema: {
        tags,
        summary:
          'Lift a suspension; with release=true also send on the mail it held (otherwise that stays held for review)',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: { release: { type: 'boolean', default: false } },
        },
      },
    },
    async (req) => service.unsuspend(req.params.id, req.query.release === true),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/suspensions/:id/lift',
    {
      schema: {
        tags,
        summary:
          'What lifting with release=true would do now, without doing it: the held messages it would send (Releases) and those another suspension still covers, which stay held (StillHeld)',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.suspensionLift(req.params.id),
  );

  app.get(
    '/api/v1/sender-alerts',
    {
      schema: {
        tags,
        summary:
          "Anomaly alerts (a sender's volume jumped) kept until dismissed, newest first, so one raised while no window was open can still be acted on",
      },
    },
    async () => service.senderAlerts(),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/sender-alerts/:id',
    {
      schema: {
        tags,
        summary: 'Dismiss a kept anomaly alert',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.dismissSenderAlert(req.params.id),
  );

  app.get(
    '/api/v1/quotas',
    {
      schema: {
        tags,
        summary: 'The sending quotas and what each SMTP user and client IP has used of them',
      },
    },
    async () => service.quotaUsage(),
  );

  app.get(
    '/api/v1/warmup',
    {
      schema: {
        tags,
        summary:
          "The upstream's warm-up: day of the schedule, today's cap, sent today, and when the next day (and deferred mail) starts",
      },
    },
    async () => service.warmupStatus(),
  );

  app.get(
    '/api/v1/filter',
    {
      schema: {
        tags,
        summary: 'The virus scanner (clamd, and whether it answers now) and the attachment policy',
      },
    },
    async () => service.filterStatus(),
  );

  app.get<{ Querystring: { start: number; limit: number; released: boolean } }>(
    '/api/v1/quarantine',
    {
      schema: {
        tags,
        summary:
          'Messages held in the quarantine (kept, never relayed), newest first, in the shape of /api/v1/messages; released=true lists those released from it too (tagged released)',
        querystring: {
          type: 'object',
          properties: {
            start: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, default: 50 },
            released: {
              type: 'boolean',
              default: false,
              description:
                'true to list messages released from the quarantine too (their Tags have released)',
            },
          },
        },
      },
    },
    async (req) =>
      toMessagesPage(service.quarantine(req.query.start, req.query.limit, req.query.released)),
  );

  app.post<{ Params: { id: string }; Body: { ConfirmVirus?: boolean } | undefined }>(
    '/api/v1/quarantine/:id/release',
    {
      schema: {
        tags,
        summary:
          'Release a quarantined message by hand (a false positive): back to the mailbox it was for, tagged released with its verdict kept, and queued where its routing rules relay; a virus verdict needs {"ConfirmVirus": true}; 409 for a message not quarantined or already released',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        body: {
          type: 'object',
          nullable: true,
          properties: {
            ConfirmVirus: {
              type: 'boolean',
              description: 'true to release a message quarantined for a virus',
            },
          },
        },
      },
    },
    async (req) => service.releaseQuarantined(req.params.id, req.body?.ConfirmVirus === true),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/filter',
    {
      schema: {
        tags,
        summary:
          "The filter's decision on a message (scan, signature, action, reasons) and why any recipient is held or delayed",
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.messageDecisions(req.params.id),
  );
}
