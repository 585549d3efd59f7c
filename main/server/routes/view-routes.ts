// Mailpit's /view/ routes, which front-end test tools (Cypress, Playwright) open to look at a
// message as a page: /view/{ID}.html, /view/{ID}.txt and /view/latest. The HTML is mail from
// anyone, served on the API's own origin, so it goes out under a CSP that runs no script and
// loads nothing from elsewhere: it cannot read the API as our origin, nor phone home.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import type { ParsedPartInfo } from '../../core/parse/message-parser.js';
import { NotFoundError } from '../../core/service/service-errors.js';
import { contentIdKey, replaceCidReferences } from '../../../preload/content-id.js';
import { linksOpenOutside } from '../mailpit/embedded-links.js';
import { asMessageContent, messageContentSandbox } from '../message-content-headers.js';

// `sandbox` too, as every answer carrying message content has (message-content-headers.ts), so
// no script runs in the page even if a later change loosened default-src. It keeps its origin
// (allow-same-origin, harmless without allow-scripts): from an opaque origin the message's own
// images are cross-site requests, which the request guard refuses, and they did not show. Popups
// stay allowed, and escape it, for the links `embed=1` opens outside the frame.
export const viewContentSecurityPolicy =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; " +
  `${messageContentSandbox} allow-same-origin allow-popups allow-popups-to-escape-sandbox`;

/** `cid:` references to the message's own parts, pointed at the part route (as Mailpit does). */
export function linkInlineImages(html: string, id: string, parts: ParsedPartInfo[]): string {
  const urls = new Map(
    parts
      .filter((part) => part.ContentID !== '')
      .map((part) => [
        contentIdKey(part.ContentID),
        `/api/v1/message/${encodeURIComponent(id)}/part/${encodeURIComponent(part.PartID)}`,
      ]),
  );
  return replaceCidReferences(html, (key) => urls.get(key));
}

const nameParam = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      description: '`{ID}.html`, `{ID}.txt` (ID may be `latest`), or `latest`',
    },
  },
  required: ['name'],
} as const;

export function registerViewRoutes(app: FastifyInstance, service: RelayService): void {
  const tags = ['Mailpit'];

  async function sendView(
    reply: FastifyReply,
    id: string,
    kind: 'html' | 'txt',
    embedded: boolean,
  ) {
    const { record, parsed, parseError } = await service.openMessage(id);
    if (!parsed) throw new NotFoundError(`message ${record.id} could not be read: ${parseError}`);
    if (kind === 'txt') {
      return asMessageContent(reply.type('text/plain; charset=utf-8')).send(parsed.text);
    }
    if (parsed.html === '')
      throw new NotFoundError(`message ${record.id} has no HTML part; try /view/${record.id}.txt`);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', viewContentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(
        embedded
          ? linksOpenOutside(linkInlineImages(parsed.html, record.id, parsed.parts))
          : linkInlineImages(parsed.html, record.id, parsed.parts),
      );
  }

  app.get<{ Params: { name: string }; Querystring: { query?: string; embed?: string } }>(
    '/view/:name',
    {
      schema: {
        tags,
        summary:
          'The HTML body (`{ID}.html`, under a CSP without scripts; cid: images point at the part route; `embed=1`: every link opens outside the frame) or the text body (`{ID}.txt`); `latest` redirects to the UI with the newest message (matching `query`) open, as Mailpit does',
        params: nameParam,
        querystring: {
          type: 'object',
          properties: { query: { type: 'string' }, embed: { type: 'string' } },
        },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      const view = /^(.+)\.(html|txt)$/.exec(name);
      if (view) {
        const kind = view[2] as 'html' | 'txt';
        return sendView(reply, view[1] as string, kind, req.query.embed === '1');
      }
      if (name === 'latest') {
        // Mailpit's handler redirects to its UI's page of the message (a link a test runner
        // prints is for reading the message, headers, tags and all), or to the UI when there is
        // none; the .html alone is /view/latest.html. Relative, as /view/{ID} below.
        const query = req.query.query?.trim() ?? '';
        const newest = service.listing(0, 1, query === '' ? undefined : query).records[0];
        return reply.redirect(newest ? `../?message=${encodeURIComponent(newest.id)}` : '../', 302);
      }
      if (/^[A-Za-z0-9_-]+$/.test(name)) {
        // Mailpit's UI page of one message, bookmarked or shared: our UI with that message open
        // (relative, so a reverse proxy's path prefix is kept)
        try {
          const record = service.record(name);
          return reply.redirect(`../?message=${encodeURIComponent(record.id)}`, 302);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      throw new NotFoundError(
        `no such view ${JSON.stringify(name)}: use /view/{ID}.html, /view/{ID}.txt or /view/latest`,
      );
    },
  );

  // Mailpit's UI page of a search (/search?q=…), bookmarked or shared: our UI on that search
  app.get<{ Querystring: { q?: string } }>(
    '/search',
    {
      schema: {
        tags,
        summary: "Mailpit's search page: redirects to the UI showing the search (`?q=`)",
        querystring: { type: 'object', properties: { q: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const q = req.query.q?.trim() ?? '';
      return reply.redirect(q === '' ? './' : `./?${new URLSearchParams({ q }).toString()}`, 302);
    },
  );
}
