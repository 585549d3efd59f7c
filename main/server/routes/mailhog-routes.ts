// MailHog's API. MailHog is unmaintained but its clients are still in wide use. Its v2 paths and
// the v1 paths that do not clash with Mailpit are served at /api/…; the whole API is also served
// under /mailhog/api/…, where `GET/DELETE /api/v1/messages` always mean what MailHog meant.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { toMailhogMessage, toMailhogPage } from '../mailhog/mailhog-message.js';
import type { MessageRecord } from '../../core/message-record.js';
import type { RelayService } from '../../core/relay-service.js';
import { matchesMailhogSearch, searchMailhogContaining } from '../mailhog/mailhog-search.js';
import { mailhogPageOf, type MailhogPagingQuery } from '../mailhog/mailhog-paging.js';
import { MailhogEvents } from '../mailhog/mailhog-events.js';
import { BadRequestError } from '../http-errors.js';
import { asMessageContent } from '../message-content-headers.js';
import {
  defaultJim,
  jimFromBody,
  jimNotSimulated,
  jimState,
  type Jim,
  type JimState,
} from '../mailhog/mailhog-jim.js';

/** MailHog's v1 list returns at most this many full messages (`List(0, 1000)`). */
const mailhogV1ListLimit = 1000;

async function mailhogItems(service: RelayService, records: MessageRecord[]) {
  return Promise.all(records.map(async (r) => toMailhogMessage(r, await service.raw(r.id))));
}

export async function mailhogListAll(service: RelayService, reply: FastifyReply) {
  const page = service.list(0, mailhogV1ListLimit);
  return reply.send(await mailhogItems(service, page.records));
}

// strings, read by mailhogPageOf: MailHog answers a value it cannot use with its default
const paging = {
  type: 'object',
  properties: {
    start: { type: 'string', description: 'Offset, newest first (0 unless a whole number > 0)' },
    limit: {
      type: 'string',
      description: 'Page size (50 unless a whole number > 0; more than 250 is 250)',
    },
  },
} as const;

const idParam = {
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
} as const;

function registerUnderPrefix(app: FastifyInstance, service: RelayService, prefix: string): void {
  const tags = ['MailHog'];

  app.get<{ Querystring: MailhogPagingQuery }>(
    `${prefix}/api/v2/messages`,
    { schema: { tags, summary: 'MailHog v2: list messages', querystring: paging } },
    async (req) => {
      const { start, limit } = mailhogPageOf(req.query);
      const page = service.list(start, limit);
      return toMailhogPage(await mailhogItems(service, page.records), start, page.total);
    },
  );

  app.get<{
    Querystring: MailhogPagingQuery & {
      kind: 'from' | 'to' | 'containing';
      query: string;
    };
  }>(
    `${prefix}/api/v2/search`,
    {
      schema: {
        tags,
        summary: 'MailHog v2: search by sender, recipient or content',
        querystring: {
          type: 'object',
          properties: {
            ...paging.properties,
            kind: { type: 'string', enum: ['from', 'to', 'containing'] },
            query: { type: 'string' },
          },
          required: ['kind', 'query'],
        },
      },
    },
    async (req) => {
      const { kind, query } = req.query;
      // MailHog answers 400 to an empty query rather than listing everything
      if (query === '') throw new BadRequestError('query: is empty; give the text to search for');
      const { start, limit } = mailhogPageOf(req.query);
      const newestFirst = [...service.records()].reverse();
      const matching =
        kind === 'containing'
          ? await searchMailhogContaining(newestFirst, (id) => service.raw(id), query)
          : newestFirst.filter((r) => matchesMailhogSearch(r, kind, query));
      const items = await mailhogItems(service, matching.slice(start, start + limit));
      return toMailhogPage(items, start, matching.length);
    },
  );

  app.get<{ Params: { id: string } }>(
    `${prefix}/api/v1/messages/:id`,
    { schema: { tags, summary: 'MailHog v1: one message', params: idParam } },
    async (req) => {
      const record = service.record(req.params.id);
      return toMailhogMessage(record, await service.raw(record.id));
    },
  );

  app.delete<{ Params: { id: string } }>(
    `${prefix}/api/v1/messages/:id`,
    { schema: { tags, summary: 'MailHog v1: delete one message', params: idParam } },
    async (req, reply) => {
      const record = service.record(req.params.id);
      await service.deleteMessages([record.id]);
      return reply.code(200).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    `${prefix}/api/v1/messages/:id/download`,
    { schema: { tags, summary: 'MailHog v1: the message as an .eml download', params: idParam } },
    async (req, reply) => {
      const record = service.record(req.params.id);
      return asMessageContent(reply.type('message/rfc822'))
        .header('content-disposition', `attachment; filename="${record.id}.eml"`)
        .send(await service.raw(record.id));
    },
  );

  if (prefix !== '') {
    // Under the prefix the clashing paths are MailHog's, without ambiguity.
    app.get(`${prefix}/api/v1/messages`, { schema: { tags } }, async (_req, reply) =>
      mailhogListAll(service, reply),
    );
    app.delete(`${prefix}/api/v1/messages`, { schema: { tags } }, async (_req, reply) => {
      await service.deleteAll();
      return reply.code(200).send();
    });
  }
}

export function registerMailhogRoutes(app: FastifyInstance, service: RelayService): void {
  const jim = jimState(service);
  const events = new MailhogEvents(service);
  // before the server closes: a stop must not wait for a client to hang up
  app.addHook('preClose', (done) => {
    events.close();
    done();
  });
  for (const prefix of ['', '/mailhog']) {
    registerUnderPrefix(app, service, prefix);
    registerJimRoutes(app, jim, prefix);
    registerEventRoutes(app, events, prefix);
  }
}

/** MailHog's live events; the origin guard and the UI password apply as to our own socket. */
function registerEventRoutes(app: FastifyInstance, events: MailhogEvents, prefix: string): void {
  const tags = ['MailHog'];
  app.get(
    `${prefix}/api/v1/events`,
    {
      // refused from another origin like a WebSocket (request-guard.ts)
      config: { eventStream: true },
      schema: {
        tags,
        summary:
          'MailHog v1: live events (Server-Sent Events): each new message as `data:` lines of its JSON',
      },
    },
    (_req, reply) => {
      // the headers the hooks set (CORS for a listed origin) go out with the stream's head
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
      }
      reply.hijack();
      events.addStream(reply.raw, headers);
    },
  );
  app.route({
    method: 'GET',
    url: `${prefix}/api/v2/websocket`,
    // hidden from the OpenAPI document, as every WebSocket route is (it describes HTTP answers)
    schema: {
      tags,
      summary: 'MailHog v2: live events (WebSocket): each new message as JSON',
      hide: true,
    },
    wsHandler: (socket) => events.addSocket(socket),
    // A plain GET is not a handshake: MailHog's gorilla/websocket Upgrader answers it with
    // http.Error(w, "Bad Request", 400) and its version header (server.go returnError)
    handler: (_req, reply) =>
      reply
        .code(400)
        .header('sec-websocket-version', '13')
        .header('x-content-type-options', 'nosniff')
        .type('text/plain; charset=utf-8')
        .send('Bad Request\n'),
  });
}

/** MailHog's `/api/v2/jim`: GET, POST (invite), PUT (change), DELETE (leave), as api/v2.go. */
function registerJimRoutes(app: FastifyInstance, jim: JimState, prefix: string): void {
  const tags = ['MailHog'];
  const path = `${prefix}/api/v2/jim`;
  const noted = (reply: FastifyReply, current: Jim): FastifyReply => {
    const note = jimNotSimulated(current);
    return note ? reply.header('x-relaydesk-note', note) : reply;
  };
  app.get(
    path,
    { schema: { tags, summary: "MailHog v2: Jim, the chaos monkey (404 when it isn't invited)" } },
    async (_req, reply) => {
      const current = jim.current();
      if (!current) return reply.code(404).send();
      return noted(reply, current).send(current);
    },
  );
  app.post<{ Body: unknown }>(
    path,
    {
      schema: {
        tags,
        summary:
          'MailHog v2: invite Jim (its Reject*Chance fail MAIL, RCPT and AUTH at random; needs --enable-chaos)',
      },
    },
    async (req, reply) => {
      if (jim.current()) return reply.code(400).send();
      const invited = jimFromBody(req.body) ?? defaultJim();
      jim.invite(invited);
      return noted(reply.code(201), invited).send();
    },
  );
  app.put<{ Body: unknown }>(
    path,
    { schema: { tags, summary: "MailHog v2: change Jim's chances" } },
    async (req, reply) => {
      if (!jim.current()) return reply.code(404).send();
      const changed = jimFromBody(req.body);
      if (!changed)
        throw new BadRequestError(
          'body: give Jim as a JSON object, e.g. {"RejectSenderChance": 0.5}',
        );
      jim.invite(changed);
      return noted(reply, changed).send();
    },
  );
  app.delete(
    path,
    { schema: { tags, summary: 'MailHog v2: Jim leaves (the chaos triggers are reset)' } },
    async (_req, reply) => {
      if (!jim.current()) return reply.code(404).send();
      jim.leave();
      return reply.send();
    },
  );
}
