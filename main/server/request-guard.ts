// The local API must not be drivable by a web page the user happens to visit:
// - DNS rebinding: a page on evil.example can make its name resolve to 127.0.0.1; the browser
//   then sends `Host: evil.example`. On a loopback listener only loopback host names are served.
// - Cross-site requests: a page can POST/PUT/DELETE (and open WebSockets) to localhost without
//   CORS stopping the request itself; browsers always say where they come from (`Origin`,
//   `Sec-Fetch-Site`), so state changes and event streams from another origin are refused.
// - Cross-site reads by side channel: a page cannot read a GET's answer, but it can embed it
//   (`<script src>`, `<img>`, `<iframe>`) and time it or watch its load/error event. /api/v1/wait
//   answers at once when a message matches and only at the timeout when none does, so a page
//   could search the captured mail letter by letter (a reset code, a token). And a framed UI can
//   be clickjacked. So a request another site's page makes is refused unless it is a top-level
//   navigation (a link to /view/latest from a CI log still opens): the browser says which it is
//   in `Sec-Fetch-Site`, `Sec-Fetch-Mode` and `Sec-Fetch-Dest`; non-browser clients send none.
//   Not to the API's own routes either: a page may open a window once and send it from one
//   /api/v1/wait to the next, seeing when each answer arrives (the window stops being readable
//   by the page the moment it does). An API address typed or bookmarked is no other site's.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListenAddress } from '../core/settings/settings-schema.js';
import { isLoopbackIp } from '../core/net/ip-address.js';

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostName(hostHeader: string): string {
  const bracketed = /^(\[[^\]]+\])(?::\d+)?$/.exec(hostHeader);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

function isLoopbackName(name: string): boolean {
  return (
    loopbackNames.has(name) ||
    name.endsWith('.localhost') ||
    isLoopbackIp(name.replace(/^\[|\]$/g, ''))
  );
}

const stateChanging = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A GET that streams live events (MailHog's Server-Sent Events): refused from another
     * origin like a WebSocket, since it reads the mail as it arrives.
     */
    eventStream?: boolean;
  }
}

/** A request that is refused from another origin even though it changes nothing. */
export type EventStreamKind = 'WebSocket' | 'event stream';

/** A link followed or an address typed: the browser shows the answer to the user alone. */
function isTopLevelNavigation(headers: IncomingHttpHeaders): boolean {
  const dest = headers['sec-fetch-dest'];
  return headers['sec-fetch-mode'] === 'navigate' && (dest === undefined || dest === 'document');
}

/**
 * The API (ours, Mailpit's, MailHog's, also under /mailhog/): not a page to link to. Nor is
 * Mailpit's /proxy: a link from another site would make Relaydesk fetch a remote address of a
 * captured message, and tell its sender the mail was opened, without the user asking.
 */
const apiPath = /^(?:(?:\/mailhog)?\/api\/|\/proxy(?:[?/]|$))/;

/** True when a request's `Origin` is not the address it was sent to (`null` is never). */
export function isOtherOrigin(origin: string, host: string): boolean {
  if (origin === 'null') return true;
  try {
    return new URL(origin).host.toLowerCase() !== host.toLowerCase();
  } catch {
    return true;
  }
}

/**
 * What Mailpit's middleware sends with every answer on its API (server/server.go), the preflight's
 * among them. None of it lets a page read anything: that takes Access-Control-Allow-Origin, sent
 * only to the origins --api-cors lists. Mailpit's `*` for the headers, with the two Relaydesk's
 * clients send named as well: a wildcard never covers Authorization, nor anything on a request
 * with credentials.
 */
export const preflightHeaders = {
  'access-control-allow-methods': 'GET, POST, DELETE, PUT, OPTIONS',
  'access-control-allow-headers': '*, authorization, content-type',
} as const;

/** Why a request must be refused, or null when it may proceed. */
export function refusalReason(
  listen: ListenAddress,
  method: string,
  headers: IncomingHttpHeaders,
  stream: EventStreamKind | null,
  corsOrigins: readonly string[] = [],
  /** The request's path (and query), for the routes another site may link to. */
  url = '/',
): string | null {
  const host = headers.host ?? '';
  const loopbackListener = isLoopbackIp(listen.host) || listen.host === 'localhost';
  if (loopbackListener && !isLoopbackName(hostName(host))) {
    return `Host ${JSON.stringify(host)} refused: this API answers only to localhost names (DNS rebinding protection)`;
  }
  const origin = headers.origin;
  // origins the user listed (--api-cors) may use the API like its own UI
  if (origin !== undefined && corsOrigins.includes(origin)) return null;
  const site = headers['sec-fetch-site'];
  if (!stateChanging.has(method) && !stream) {
    if (site !== 'cross-site' && site !== 'same-site') return null;
    const api = apiPath.test(url);
    if (isTopLevelNavigation(headers) && !api) return null;
    if (isTopLevelNavigation(headers)) {
      return `${method} ${url.split('?')[0] ?? ''} opened from another site's page (Sec-Fetch-Site: ${site}) refused: the API's answers are not pages to link to; type or paste the address, or link to the UI or /view/ instead`;
    }
    const dest = headers['sec-fetch-dest'] ?? 'unknown';
    const how = dest === 'empty' || dest === 'unknown' ? 'a fetch' : `a ${dest}`;
    return `${method} as ${how} from another site's page (Sec-Fetch-Site: ${site}) refused: a page may link to Relaydesk but not embed, frame or fetch it; list a web app that should call the API with --api-cors`;
  }
  const crossOrigin =
    site === 'cross-site' || (origin !== undefined && isOtherOrigin(origin, host));
  if (!crossOrigin) return null;
  const what = stream ?? method;
  return `cross-origin ${what} from ${origin ?? site ?? 'another site'} refused: the Relaydesk API only takes changes from its own UI or from non-browser clients`;
}

/** The onRequest hook for plain HTTP requests (WebSocket upgrades are checked by `ws`). */
export function guardRequestOrigin(listen: ListenAddress, corsOrigins: readonly string[] = []) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') return;
    // what an older browser without Sec-Fetch-* still honours: no framing of the UI by another
    // origin, and no answer (a part, the raw source, an error echoing its input) read as another
    // type than the one it is sent as
    void reply.header('x-frame-options', 'SAMEORIGIN').header('x-content-type-options', 'nosniff');
    const stream = req.routeOptions.config.eventStream ? 'event stream' : null;
    const reason = refusalReason(listen, req.method, req.headers, stream, corsOrigins, req.url);
    if (reason) {
      await reply.code(403).send({ error: reason });
      return;
    }
    const origin = req.headers.origin;
    if (origin === undefined || !corsOrigins.includes(origin)) return;
    // CORS only for the origins listed; their preflight is answered here, before the UI
    // password (a browser sends a preflight without credentials), as Mailpit's: 200, empty
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      await reply
        .code(200)
        .headers(preflightHeaders)
        .header('access-control-max-age', '600')
        .type('text/plain')
        .send('');
    }
  };
}
