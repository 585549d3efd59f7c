// Mailpit's v1 API, with its JSON shapes, so test suites written for Mailpit run unchanged.
import type { FastifyInstance } from 'fastify';
import type { RelaydeskInfo } from '../../../preload/api-contract.js';
import type { RelayService } from '../../core/relay-service.js';
import { contentDisposition } from '../content-disposition.js';
import { asMessageContent } from '../message-content-headers.js';
import { BadRequestError, mailpitTextErrors } from '../http-errors.js';
import { NotFoundError } from '../../core/caller-error.js';
import { toMailpitInfo } from '../mailpit/mailpit-info.js';
import { rawContentType, rawFileName } from '../mailpit/raw-download.js';
import { toListedPage, toOpenedDetail } from '../mailpit/mailpit-shapes.js';
import { isOtherOrigin, preflightHeaders } from '../request-guard.js';
import { toWebUiConfiguration, type WebUiConfiguration } from '../mailpit/webui-config.js';
import { mailhogListAll } from './mailhog-routes.js';

// strings, read by pageOf: Mailpit answers a value it cannot use with its default, not a 400
const paging = {
  type: 'object',
  properties: {
    start: { type: 'string', description: 'Offset, newest first (0 when not a whole number ≥ 0)' },
    limit: {
      type: 'string',
      description: 'Page size, at most 100000 (50 when not a whole number ≥ 1)',
    },
  },
} as const;

interface PagingQuery {
  start?: string;
  limit?: string;
}

const maxLimit = 100000;

/** Mailpit's words for a search without terms (GET and DELETE /api/v1/search). */
const noSearchQuery = 'Error: no search query';

/**
 * Mailpit's getStartLimit: start 0 and limit 50 unless given as usable whole numbers. A list's
 * `limit=0` is no limit in Mailpit (its query then has no LIMIT), which a client uses to fetch
 * every message: here every one up to the largest page. Its search takes 0 as 0 results, which
 * no client wants; a search keeps 50 for it.
 */
export function pageOf(
  query: PagingQuery,
  zero: 'all' | 'default' = 'default',
): { start: number; limit: number } {
  const whole = (value: string | undefined): number | null =>
    value !== undefined && /^\s*\+?\d+\s*$/.test(value) ? Number(value) : null;
  const start = whole(query.start) ?? 0;
  const limit = whole(query.limit);
  const none = limit === 0 && zero === 'all' ? maxLimit : 50;
  return {
    start: Number.isSafeInteger(start) ? start : 0,
    limit: limit === null || limit < 1 ? none : Math.min(limit, maxLimit),
  };
}

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', description: 'Message ID, or `latest`' } },
  required: ['id'],
} as const;

const idsBody = {
  type: 'object',
  nullable: true,
  properties: { IDs: { type: 'array', items: { type: 'string' } } },
} as const;

export function registerMailpitRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Mailpit'];

  // Mailpit answers a preflight on its API whether CORS is set or not: 200, empty, with its
  // methods and headers (server/server.go). An origin --api-cors lists is answered by the request
  // guard, with the Allow-Origin that lets it read; any other origin is refused, as Mailpit's
  // "Blocked due to CORS violation", and never gets an Allow-Origin.
  app.options('/api/v1/*', { schema: { hide: true } }, async (req, reply) => {
    const origin = req.headers.origin;
    if (origin !== undefined && isOtherOrigin(origin, req.headers.host ?? '')) {
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send(
          `Blocked due to CORS violation: origin ${origin} is not listed in --api-cors; add it there (apiCors in the settings) to let its pages call the API`,
        );
    }
    return reply.code(200).headers(preflightHeaders).type('text/plain').send('');
  });

  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/messages',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          'List messages, newest first (MailHog v1 shape instead when apiCompat is "mailhog", unless start or limit is given)',
        querystring: paging,
      },
    },
    async (req, reply) => {
      // MailHog's v1 list takes no parameters ("TODO start, limit" in its api/v1.go), so a
      // request naming Mailpit's paging is a Mailpit client's: the GUI lists through here in
      // either mode
      const mailpitPaging = req.query.start !== undefined || req.query.limit !== undefined;
      if (service.settings.apiCompat === 'mailhog' && !mailpitPaging)
        return mailhogListAll(service, reply);
      const { start, limit } = pageOf(req.query, 'all');
      return toListedPage(service.listing(start, limit), service.tags());
    },
  );

  app.put<{
    Body: { IDs?: string[]; Read?: boolean; Search?: string } | undefined;
    Querystring: { tz?: string };
  }>(
    '/api/v1/messages',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary: 'Set read status of messages by IDs, by search, or of all',
        querystring: { type: 'object', properties: { tz: { type: 'string' } } },
        body: {
          type: 'object',
          nullable: true,
          properties: {
            IDs: { type: 'array', items: { type: 'string' } },
            Read: { type: 'boolean' },
            Search: { type: 'string' },
          },
        },
      },
    },
    async (req, reply) => {
      // Mailpit refuses a PUT with no body at all (400 `EOF`) and changes nothing; read as `{}`,
      // a bare `curl -X PUT …/api/v1/messages` marked every message unread. `{}` still does.
      if (req.body === undefined) {
        throw new BadRequestError(
          'body: missing; give {"Read": true} or {"Read": false}, with "IDs" or "Search" to choose the messages (none: all of them); nothing was changed',
        );
      }
      const body = req.body ?? {};
      if (body.IDs && body.IDs.length > 0 && body.Search && body.Search.trim() !== '')
        throw new BadRequestError('You may specify either IDs or a search query, not both');
      const read = body.Read ?? false;
      if (body.IDs && body.IDs.length > 0) await service.setRead(body.IDs, read);
      else await service.setReadMatching(body.Search ?? '', read, req.query.tz);
      return reply.type('text/plain').send('ok');
    },
  );

  app.delete<{ Body: { IDs?: string[] } | undefined }>(
    '/api/v1/messages',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          'Delete messages by IDs, or all without IDs (answers "ok"; empty body when apiCompat is "mailhog")',
        body: idsBody,
      },
    },
    async (req, reply) => {
      const ids = req.body?.IDs ?? [];
      if (ids.length > 0) await service.deleteMessages(ids);
      else await service.deleteAll();
      // MailHog's clients fail on any body; Mailpit's expect "ok"
      if (service.settings.apiCompat === 'mailhog') return reply.code(200).send();
      return reply.type('text/plain').send('ok');
    },
  );

  app.get<{ Querystring: PagingQuery & { query?: string; tz?: string } }>(
    '/api/v1/search',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary: "Search messages with Mailpit's search syntax (400 without a query, as Mailpit)",
        querystring: {
          type: 'object',
          // no `required`: Mailpit answers a missing query as an empty one
          properties: { ...paging.properties, query: { type: 'string' }, tz: { type: 'string' } },
        },
      },
    },
    async (req) => {
      const { query = '', tz } = req.query;
      // Mailpit's answer (server/apiv1/messages.go): a list of everything is GET /api/v1/messages
      if (query.trim() === '') throw new BadRequestError(noSearchQuery);
      const { start, limit } = pageOf(req.query);
      return toListedPage(service.listing(start, limit, query, tz), service.tags());
    },
  );

  app.delete<{ Querystring: { query?: string; tz?: string } }>(
    '/api/v1/search',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary: 'Delete the messages matching a search',
        querystring: {
          type: 'object',
          properties: { query: { type: 'string' }, tz: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const { query = '', tz } = req.query;
      if (query.trim() === '') throw new BadRequestError(noSearchQuery);
      await service.deleteMatching(query, tz);
      return reply.type('text/plain').send('ok');
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id',
    {
      errorHandler: mailpitTextErrors,
      schema: { tags, summary: 'A message in full; marks it read', params: idParam },
    },
    async (req) => toOpenedDetail(await service.openMessage(req.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/headers',
    {
      errorHandler: mailpitTextErrors,
      schema: { tags, summary: 'Headers as name → [values]', params: idParam },
    },
    async (req) => service.headers(req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { dl?: string } }>(
    '/api/v1/message/:id/raw',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary: 'The message source as received; `dl=1` to download it as {ID}.eml',
        params: idParam,
        querystring: { type: 'object', properties: { dl: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const raw = await service.raw(req.params.id);
      if (req.query.dl === '1') {
        const name = rawFileName(service, req.params.id);
        void reply.header('content-disposition', `attachment; filename="${name}"`);
      }
      return asMessageContent(reply.type(rawContentType)).send(raw);
    },
  );

  app.get<{ Params: { id: string; partId: string } }>(
    '/api/v1/message/:id/part/:partId',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary: 'One attachment or inline part, by the PartID in the message',
        params: {
          type: 'object',
          properties: { id: { type: 'string' }, partId: { type: 'string' } },
          required: ['id', 'partId'],
        },
      },
    },
    async (req, reply) => {
      const part = await service.part(req.params.id, req.params.partId);
      return asMessageContent(reply.type(part.contentType))
        .header(
          'content-disposition',
          // a browser saves under this name, not the GUI link's `download`
          contentDisposition(part.fileName || part.savedName || `part-${req.params.partId}`),
        )
        .send(Buffer.from(part.content));
    },
  );

  app.get<{ Params: { id: string; partId: string } }>(
    '/api/v1/message/:id/part/:partId/thumb',
    {
      errorHandler: mailpitTextErrors,
      schema: {
        tags,
        summary:
          'A 180×120 JPEG thumbnail of an image attachment (cropped to fill, or padded on white when smaller); a white one for a part that is not an image',
        params: {
          type: 'object',
          properties: { id: { type: 'string' }, partId: { type: 'string' } },
          required: ['id', 'partId'],
        },
      },
    },
    async (req, reply) => {
      // Mailpit answers these two with its 400 and storage's words, not its 404
      try {
        service.record(req.params.id);
      } catch (err) {
        if (err instanceof NotFoundError) throw new BadRequestError('message not found');
        throw err;
      }
      const thumbnail = await service
        .partThumbnail(req.params.id, req.params.partId)
        .catch((err: unknown) => {
          if (err instanceof NotFoundError) throw new BadRequestError('attachment not found');
          throw err;
        });
      const { jpeg, name } = thumbnail;
      // Mailpit's header: no `attachment`, so a browser shows it in place
      return asMessageContent(reply.type('image/jpeg'))
        .header('content-disposition', contentDisposition(name, false))
        .send(jpeg);
    },
  );

  app.get(
    '/api/v1/info',
    {
      errorHandler: mailpitTextErrors,
      schema: { tags, summary: 'Runtime information and totals' },
    },
    async (): Promise<RelaydeskInfo> => toMailpitInfo(service.figures()),
  );

  app.get(
    '/api/v1/webui',
    {
      errorHandler: mailpitTextErrors,
      schema: { tags, summary: "Mailpit's web UI configuration: which features this instance has" },
    },
    async (): Promise<WebUiConfiguration> =>
      toWebUiConfiguration(service.settings, service.chaosEnabled()),
  );

  app.get('/livez', { schema: { tags, summary: 'Liveness probe' } }, async (_req, reply) =>
    reply.type('text/plain').send('ok'),
  );
  app.get('/readyz', { schema: { tags, summary: 'Readiness probe' } }, async (_req, reply) =>
    service.smtpListenAddress
      ? reply.type('text/plain').send('ok')
      : reply.code(503).type('text/plain').send('starting'),
  );
}
