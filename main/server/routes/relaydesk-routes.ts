// Relaydesk's own routes: what neither Mailpit nor MailHog offers.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { toMessageSummary } from '../mailpit/mailpit-shapes.js';
import { BadRequestError } from '../http-errors.js';
import { analyzeResponse, routeResponse } from './route-schema.js';
import { isCompoundFile, outlookMessageHeaders } from '../../../preload/outlook-msg.js';

/** The longest a /wait may hold a request open. */
export const maxWaitSeconds = 300;

export function registerRelaydeskRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Relaydesk'];

  app.get<{ Querystring: { query: string; timeout: number; since?: string } }>(
    '/api/v1/wait',
    {
      schema: {
        tags,
        summary:
          'Wait for a message matching a search: answers as soon as one is there or arrives, 408 at the timeout',
        querystring: {
          type: 'object',
          properties: {
            query: {
              type: 'string',
              default: '',
              description: 'Mailpit search syntax; empty matches any',
            },
            timeout: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: maxWaitSeconds,
              default: 30,
              description: 'Seconds',
            },
            since: {
              type: 'string',
              description:
                'Only a message received at or after this time (RFC 3339, e.g. 2026-12-03T10:00:00Z) counts',
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { query, timeout } = req.query;
      const since = req.query.since === undefined ? undefined : new Date(req.query.since);
      if (
        since &&
        (Number.isNaN(since.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(req.query.since ?? ''))
      ) {
        throw new BadRequestError(
          `since: ${JSON.stringify(req.query.since)} is not valid; give an RFC 3339 time such as 2026-12-03T10:00:00Z`,
        );
      }
      const abort = new AbortController();
      // the client went away: stop waiting for it
      reply.raw.on('close', () => abort.abort());
      const record = await service.waitFor(query, timeout * 1000, abort.signal, since);
      if (!record) {
        return reply.code(408).send({
          error: `no message matching ${JSON.stringify(query)}${since ? ` received since ${since.toISOString()}` : ''} arrived within ${timeout} s`,
        });
      }
      return toMessageSummary(record);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/source',
    {
      schema: {
        tags,
        summary:
          'The message source as text to read: a line that is not UTF-8 is decoded with the charset its MIME part declares (windows-1252 where none), named in `decodedAs`; a run of over 500 base64 lines (an attachment) keeps its first 8 and last 2 lines around one saying how much is left out, `elidedBytes` in all; `/raw` has the bytes',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              text: { type: 'string' },
              decodedAs: { type: 'array', items: { type: 'string' } },
              elidedBytes: { type: 'integer' },
            },
            required: ['text', 'decodedAs', 'elidedBytes'],
          },
        },
      },
    },
    async (req) => service.source(req.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/structure',
    {
      schema: {
        tags,
        summary:
          'The MIME structure as sent: each part in order with its PartID, depth, declared type, charset, encoding, disposition, file name, Content-ID, size and headers',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (req) => service.structure(req.params.id),
  );

  app.get<{ Params: { id: string; other: string } }>(
    '/api/v1/message/:id/compare/:other',
    {
      schema: {
        tags,
        summary:
          'What differs between two messages: header fields, the text and HTML line by line (as diff -u), attachments; neither is marked read',
        params: {
          type: 'object',
          properties: { id: { type: 'string' }, other: { type: 'string' } },
          required: ['id', 'other'],
        },
      },
    },
    async (req) => service.compare(req.params.id, req.params.other),
  );

  app.get<{ Params: { id: string; partId: string } }>(
    '/api/v1/message/:id/structure/:partId',
    {
      schema: {
        tags,
        summary:
          'One part of the MIME structure (a PartID of /structure): its headers and body as sent, and a text part decoded',
        params: {
          type: 'object',
          properties: { id: { type: 'string' }, partId: { type: 'string' } },
          required: ['id', 'partId'],
        },
      },
    },
    async (req) => service.structurePart(req.params.id, req.params.partId),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/message/:id/route',
    {
      schema: {
        tags,
        summary:
          'The route: Received hops oldest first with delays, authentication results, envelope vs headers',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: routeResponse,
      },
    },
    async (req) => service.route(req.params.id),
  );

  app.post<{ Body: Buffer | { headers?: string; encoding?: string } | undefined }>(
    '/api/v1/analyze',
    {
      schema: {
        tags,
        summary:
          'Analyse pasted headers, a whole .eml (text/plain or message/rfc822 body, or JSON {headers}, with "encoding": "latin1" when each character stands for one byte) or an Outlook .msg (application/vnd.ms-outlook); nothing is stored',
        response: analyzeResponse,
      },
    },
    async (req) => {
      const body = req.body;
      const text = Buffer.isBuffer(body)
        ? body
        : typeof body?.headers === 'string'
          ? body.headers
          : null;
      if (text === null || text.length === 0) {
        throw new BadRequestError(
          'body: give the headers or the whole message as text/plain (or JSON {"headers": "..."})',
        );
      }
      // an Outlook .msg as it is (curl --data-binary @message.msg): the headers it kept
      if (Buffer.isBuffer(text) && isCompoundFile(text)) {
        const read = outlookMessageHeaders(text, 'The posted file');
        if ('error' in read) throw new BadRequestError(read.error);
        return service.analyzeHeaders(read.text);
      }
      return service.analyzeHeaders(text, Buffer.isBuffer(body) ? undefined : body?.encoding);
    },
  );
}
