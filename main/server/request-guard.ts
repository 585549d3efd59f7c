// The local API must not be drivable by a web page the user happens to visit:
// - DNS rebinding: a page on evil.example can make its name resolve to 127.0.0.1; the browser
//   then sends `Host: evil.example`. On a loopback listener only loopback host names are served.
// - Cross-site requests: a page can POST/PUT/DELETE (and open WebSockets) to localhost without
//   CORS stopping the request itself; browsers always say where they come from (`Origin`,
//   `Sec-Fetch-Site`), so state changes and event streams from another origin are refused.
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

/** Why a request must be refused, or null when it may proceed. */
export function refusalReason(
  listen: ListenAddress,
  method: string,
  headers: IncomingHttpHeaders,
  stream: EventStreamKind | null,
  corsOrigins: readonly string[] = [],
): string | null {
  const host = headers.host ?? '';
  const loopbackListener = isLoopbackIp(listen.host) || listen.host === 'localhost';
  if (loopbackListener && !isLoopbackName(hostName(host))) {
    return `Host ${JSON.stringify(host)} refused: this API answers only to localhost names (DNS rebinding protection)`;
  }
  if (!stateChanging.has(method) && !stream) return null;
  const origin = headers.origin;
  // origins the user listed (--api-cors) may use the API like its own UI
  if (origin !== undefined && corsOrigins.includes(origin)) return null;
  const site = headers['sec-fetch-site'];
  let crossOrigin = site === 'cross-site' || origin === 'null';
  if (origin !== undefined && origin !== 'null') {
    try {
      crossOrigin ||= new URL(origin).host.toLowerCase() !== host.toLowerCase();
    } catch {
      crossOrigin = true;
    }
  }
  if (!crossOrigin) return null;
  const what = stream ?? method;
  return `cross-origin ${what} from ${origin ?? site ?? 'another site'} refused: the Relaydesk API only takes changes from its own UI or from non-browser clients`;
}

/** The onRequest hook for plain HTTP requests (WebSocket upgrades are checked by `ws`). */
export function guardRequestOrigin(listen: ListenAddress, corsOrigins: readonly string[] = []) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') return;
    const stream = req.routeOptions.config.eventStream ? 'event stream' : null;
    const reason = refusalReason(listen, req.method, req.headers, stream, corsOrigins);
    if (reason) {
      await reply.code(403).send({ error: reason });
      return;
    }
    const origin = req.headers.origin;
    if (origin === undefined || !corsOrigins.includes(origin)) return;
    // CORS only for the origins listed; a preflight is answered here, before any route
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      await reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
        .header('access-control-allow-headers', 'content-type, authorization')
        .header('access-control-max-age', '600')
        .send();
    }
  };
}
