// Mailpit's `latest` takes a search: `/api/v1/message/latest?query=to:bob@example.com` (and its
// headers, raw, parts, checks and `/view/latest.html`) is the newest message *matching* it
// (Mailpit's storage.LatestID, with `tz` for dates), so a test reads the mail its own run sent
// and not whatever arrived last. Resolved before the handler runs, so every route that takes
// an ID gets the real one and no handler repeats this.
import type { FastifyRequest } from 'fastify';
import type { RelayService } from '../../core/relay-service.js';
import { NotFoundError } from '../../core/caller-error.js';

/** The routes whose `:id` (or `/view/:name`) may be `latest`. */
function latestParam(req: FastifyRequest): { key: 'id' | 'name'; suffix: string } | null {
  const url = req.routeOptions.url ?? '';
  const params = req.params as Record<string, string | undefined>;
  if (url.startsWith('/api/v1/message/:id') && params.id === 'latest') {
    return { key: 'id', suffix: '' };
  }
  const view = /^latest(\.html|\.txt)$/.exec(params.name ?? '');
  if (url === '/view/:name' && view) return { key: 'name', suffix: view[1] as string };
  return null;
}

/**
 * No message for `latest`: Mailpit's words ("Message not found", its LatestID error) and ours
 * after them, also on its routes whose other 404s are its bare "404 page not found" — which,
 * to a test that asked before the mail arrived, reads as if the route did not exist.
 */
export class NoLatestMessageError extends NotFoundError {
  override name = 'NoLatestMessageError';
}

function newestOf(service: RelayService): { id: string } | undefined {
  try {
    return service.record('latest');
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export function resolveLatestMatching(service: RelayService) {
  return async (req: FastifyRequest): Promise<void> => {
    const target = latestParam(req);
    if (!target) return;
    const { query, tz } = req.query as { query?: unknown; tz?: unknown };
    const search = typeof query === 'string' && query.trim() !== '' ? query : undefined;
    const timeZone = typeof tz === 'string' && tz !== '' ? tz : undefined;
    // a query that cannot be read is a SearchSyntaxError (400) naming the term and the fix
    const newest =
      search === undefined ? newestOf(service) : service.listing(0, 1, search, timeZone).records[0];
    if (!newest) {
      throw new NoLatestMessageError(
        search === undefined
          ? 'Message not found: there are no messages yet (GET /api/v1/wait?query=… waits for one)'
          : `Message not found: none matches ${JSON.stringify(search)} (GET /api/v1/wait?query=… waits for one)`,
      );
    }
    (req.params as Record<string, string>)[target.key] = newest.id + target.suffix;
  };
}
