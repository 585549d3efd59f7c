// Mailpit's /proxy: a remote image, style sheet or font of a message, for the HTML screenshot.
// Mailpit's path and query (`data` = base64 of "ID:URL"), so a client written for its screenshot
// asks the same way; base64, as Mailpit says, carries any character of a URL through a query
// untouched. An adapter over RelayService.proxyAsset, which decides what may be fetched.
import type { FastifyInstance } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { AssetRefusedError } from '../../core/asset-proxy/index.js';
import { BadRequestError, mailpitTextErrors } from '../http-errors.js';
import { asMessageContent } from '../message-content-headers.js';

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The message ID and the URL a `data` value holds; BadRequestError naming `data` if none. */
export function proxyRequest(data: string | undefined): { id: string; url: string } {
  const fix = 'give base64 of "MESSAGE-ID:URL", as the HTML screenshot asks';
  const value = (data ?? '').trim();
  if (value === '') throw new BadRequestError(`data is missing: ${fix}`);
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (!base64.test(value) || value.length % 4 !== 0) {
    throw new BadRequestError(`data: ${shown} is not base64: ${fix}`);
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) {
    throw new BadRequestError(`data: ${shown} holds no "MESSAGE-ID:URL": ${fix}`);
  }
  return { id: decoded.slice(0, colon), url: decoded.slice(colon + 1) };
}

export function registerProxyRoutes(app: FastifyInstance, service: RelayService): void {
  app.get<{ Querystring: { data?: string } }>(
    '/proxy',
    {
      // Mailpit answers its proxy's errors as text
      errorHandler: mailpitTextErrors,
      schema: {
        tags: ['Messages'],
        summary:
          "A remote image, style sheet (text/css) or font that the message's HTML loads, fetched for the HTML screenshot (Mailpit's /proxy); only an address the message names, never a private, loopback or link-local one unless allowInternalHttpRequests is on; 403 with the reason when refused, 502 when the remote server fails",
        querystring: {
          type: 'object',
          properties: {
            data: { type: 'string', description: 'base64 of "MESSAGE-ID:URL"' },
          },
        },
      },
    },
    async (req, reply) => {
      const { id, url } = proxyRequest(req.query.data);
      try {
        const asset = await service.proxyAsset(id, url);
        // the remote sender's bytes on the API's origin: an SVG opened by this address must not
        // run its script here (asMessageContent's sandbox), and nothing is cached across mails
        return asMessageContent(reply.type(asset.contentType))
          .header('cache-control', 'no-store')
          .send(asset.body);
      } catch (err) {
        if (!(err instanceof AssetRefusedError)) throw err;
        return reply.code(err.httpStatus).type('text/plain; charset=utf-8').send(err.message);
      }
    },
  );
}
