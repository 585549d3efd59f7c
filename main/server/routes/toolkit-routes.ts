// The capture toolkit over HTTP, in Mailpit's paths and JSON shapes where Mailpit has them:
// tags (GET/PUT /api/v1/tags, PUT/DELETE /api/v1/tags/{tag}), the Send API (POST /api/v1/send),
// chaos (GET/PUT /api/v1/chaos); and Relaydesk's own webhook log and ingest.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { isLoopbackIp } from '../../core/net/ip-address.js';
import type { BasicAuth } from '../basic-auth.js';
import { BadRequestError, mailpitTextErrors, publicError } from '../http-errors.js';

export interface ToolkitRouteOptions {
  /** The Send API's own credentials (--send-api-auth-file), checked on POST /api/v1/send. */
  sendAuth: BasicAuth | null;
  /** Whether a password (the Send API's or the UI's) guards POST /api/v1/send. */
  sendGuarded: boolean;
}

const tagParam = {
  type: 'object',
  properties: { tag: { type: 'string', description: 'The tag name (URL-encoded)' } },
  required: ['tag'],
} as const;

const mailboxName = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;

/** The user name of a basic-auth header, recorded as the sender's user (Mailpit does). */
function basicUser(req: FastifyRequest): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : null;
}

export function registerToolkitRoutes(
  app: FastifyInstance,
  service: RelayService,
  options: ToolkitRouteOptions,
): void {
  const mailpit = ['Mailpit'];
  const ok = (reply: FastifyReply) => reply.type('text/plain').send('ok');

  app.get(
    '/api/v1/tags',
    {
      errorHandler: mailpitTextErrors,
      schema: { tags: mailpit, summary: 'Every tag in use, sorted' },
    },
    async () => service.tags(),
  );

  app.put<{ Body: { IDs?: string[]; Tags?: string[] } | undefined }>(
    '/api/v1/tags',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: mailpit,
        summary: 'Set the tags of messages (replaces them; an empty Tags removes them all)',
        body: {
          type: 'object',
          nullable: true,
          properties: {
            IDs: { type: 'array', items: { type: 'string' } },
            Tags: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
    async (req, reply) => {
      // Mailpit refuses a PUT with no body (400 `EOF`); here it answered `ok` having done
      // nothing, as if the tags were set
      if (req.body === undefined) {
        throw new BadRequestError(
          'body: missing; give {"IDs": ["…"], "Tags": ["…"]} (an empty Tags removes them all); nothing was changed',
        );
      }
      await service.setTags(req.body?.IDs ?? [], req.body?.Tags ?? []);
      return ok(reply);
    },
  );

  app.put<{ Params: { tag: string }; Body: { Name?: string } | undefined }>(
    '/api/v1/tags/:tag',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: mailpit,
        summary: 'Rename a tag on every message',
        params: tagParam,
        body: { type: 'object', nullable: true, properties: { Name: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const name = req.body?.Name;
      if (name === undefined)
        throw new BadRequestError('Name is missing; give {"Name": "new name"}');
      await service.renameTag(req.params.tag, name);
      return ok(reply);
    },
  );

  app.delete<{ Params: { tag: string } }>(
    '/api/v1/tags/:tag',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: mailpit,
        summary: 'Remove a tag from every message (no message is deleted)',
        params: tagParam,
      },
    },
    async (req, reply) => {
      await service.deleteTag(req.params.tag);
      return ok(reply);
    },
  );

  app.post<{ Body: unknown }>(
    '/api/v1/send',
    {
      schema: {
        tags: mailpit,
        summary:
          'Send a message (Mailpit JSON: From, To, Cc, Bcc, ReplyTo, Subject, Text, HTML, Attachments, Tags, Headers); taken in as if received over SMTP, through the routing rules',
        body: { type: 'object' },
      },
      preHandler: async (req, reply) => {
        if (!options.sendAuth) return;
        const result = await options.sendAuth.check(req.headers, req.ip);
        if (result === 'ok') return;
        await reply
          .code(result === 'locked' ? 429 : 401)
          .header('www-authenticate', 'Basic realm="Relaydesk Send API", charset="UTF-8"')
          .send({ Error: 'the Send API needs its password (basic auth, --send-api-auth-file)' });
      },
      // Mailpit answers Send API errors as {"Error": "..."}; its clients read that
      errorHandler: (err, _req, reply) => {
        const known = publicError(err);
        if (!known) throw err;
        return reply.code(known.status).send({ Error: known.message });
      },
    },
    async (req) =>
      service.sendMessage(req.body, {
        ip: req.ip,
        user: basicUser(req),
        trusted: options.sendGuarded || isLoopbackIp(req.ip),
      }),
  );

  app.get(
    '/api/v1/chaos',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: mailpit,
        summary: 'The chaos triggers (400 unless chaos is enabled with --enable-chaos)',
      },
    },
    async () => service.chaosTriggers(),
  );

  app.put<{ Body: unknown }>(
    '/api/v1/chaos',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags: mailpit,
        summary:
          'Set the chaos triggers (Sender, Recipient, Authentication: {ErrorCode, Probability}); those left out are reset',
      },
    },
    async (req) => {
      // Mailpit refuses a PUT with no body (400 `EOF`; `Chaos is not enabled` first, as here) and
      // changes nothing; read as `{}`, a bare `curl -X PUT …/api/v1/chaos` reset every trigger
      if (req.body === undefined) {
        service.chaosTriggers();
        throw new BadRequestError(
          'body: missing; give the triggers to set, e.g. {"Sender": {"ErrorCode": 451, "Probability": 50}}, or {} to reset them all; nothing was changed',
        );
      }
      return service.setChaosTriggers(req.body);
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags: ['Relaydesk'],
        summary: 'The webhook URLs and the delivery log, newest first',
      },
    },
    async () => service.webhookLog(),
  );

  app.post<{ Body: Buffer; Querystring: { received?: string; mailbox?: string; source?: string } }>(
    '/api/v1/ingest',
    {
      schema: {
        tags: ['Relaydesk'],
        summary:
          'Import one message (message/rfc822 body) captured into a mailbox, never relayed; received at `received` (RFC 3339), else its Date header',
        querystring: {
          type: 'object',
          properties: {
            received: {
              type: 'string',
              description: 'RFC 3339 time, e.g. from an mbox From_ line',
            },
            mailbox: { type: 'string', default: 'inbox' },
            source: { type: 'string', description: 'Where it came from, kept as a note' },
          },
        },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body)) {
        throw new BadRequestError('body: send the message itself as message/rfc822');
      }
      const { received, mailbox, source } = req.query;
      let receivedAt: Date | undefined;
      if (received !== undefined) {
        receivedAt = new Date(received);
        if (Number.isNaN(receivedAt.getTime())) {
          throw new BadRequestError(
            `received: ${JSON.stringify(received)} is not a time; give RFC 3339, e.g. 2024-05-01T09:30:00Z`,
          );
        }
      }
      if (mailbox !== undefined && !mailboxName.test(mailbox)) {
        throw new BadRequestError(
          `mailbox: ${JSON.stringify(mailbox)} is not a mailbox name; use 1–64 letters, digits, "-", "_" or "."`,
        );
      }
      const id = await service.ingest(req.body, {
        clientIp: req.ip,
        ...(receivedAt ? { receivedAt } : {}),
        ...(mailbox ? { mailbox } : {}),
        ...(source ? { source: source.replace(/[\r\n]/g, ' ').slice(0, 300) } : {}),
      });
      return { ID: id };
    },
  );
}
