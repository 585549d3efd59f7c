// The HTTP side: the API (Mailpit's, MailHog's and our own), the live events and the built
// renderer, on one port. Routes are adapters over RelayService; they hold no mail logic.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { firstListPagePath } from '../../preload/api-methods.js';
import { relaydeskVersion, type RelayService } from '../core/relay-service.js';
import { registerIconRoutes, rendererIcon } from './app-icon.js';
import { registerEventsSocket } from './events-socket.js';
import { BadRequestError, errorHandler } from './http-errors.js';
import { schemaError } from './schema-errors.js';
import { httpLogger } from './http-log.js';
import { createBasicAuth, loadUiCredentials } from './basic-auth.js';
import { guardRequestOrigin, refusalReason } from './request-guard.js';
import { registerLockoutRoutes } from './routes/lockout-routes.js';
import { registerMailhogRoutes } from './routes/mailhog-routes.js';
import { registerMailpitRoutes } from './routes/mailpit-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { registerRelaydeskRoutes } from './routes/relaydesk-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { registerSigningRoutes } from './routes/signing-routes.js';
import { registerControlRoutes } from './routes/control-routes.js';
import { registerToolkitRoutes } from './routes/toolkit-routes.js';
import { registerSenderControlRoutes } from './routes/sender-control-routes.js';
import { registerListenerRoutes } from './routes/listener-routes.js';
import { registerSettingsRoutes } from './routes/settings-routes.js';
import { registerProxyRoutes } from './routes/proxy-routes.js';
import { registerCheckRoutes } from './routes/check-routes.js';
import { registerViewRoutes } from './routes/view-routes.js';
import { resolveLatestMatching } from './mailpit/latest-matching.js';
import { otherToolRouteHint } from './other-tool-routes.js';
import { sharedValidators } from './route-validators.js';

export interface HttpServerOptions {
  /** Folder of the built renderer; the UI is not served when it is missing. */
  rendererDir?: string;
}

// Built, this file is out/main/server/ and the UI out/renderer/; run from the sources (tests),
// it is main/server/ and the UI is still out/renderer/.
const builtLayout = /[\\/]out[\\/]main[\\/]server[\\/]?$/.test(
  fileURLToPath(new URL('.', import.meta.url)),
);
export const defaultRendererDir = fileURLToPath(
  new URL(builtLayout ? '../../renderer/' : '../../out/renderer/', import.meta.url),
);

export async function createHttpServer(
  service: RelayService,
  options: HttpServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: httpLogger((record) => service.logLine(record)),
    // a stop must not wait for a long /wait or an open event stream
    forceCloseConnections: true,
    bodyLimit: service.settings.maxSize + 1024 * 1024,
    schemaErrorFormatter: schemaError,
    // the value a request gave goes into the answer (schema-errors.ts)
    ajv: { customOptions: { verbose: true } },
    schemaController: { compilersFactory: { buildValidator: sharedValidators } },
  });

  // Mailpit's client sends DELETE with an empty JSON body for "delete all"; MailHog's sends none.
  const parseJson = (text: string): unknown => {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new BadRequestError(`body: not valid JSON (${(err as Error).message})`);
    }
  };
  const jsonParser = (body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJson(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  };
  // Mailpit reads a PUT or DELETE body as JSON whatever its Content-Type (`curl -d` says
  // form-urlencoded, some clients text/plain or nothing). That opens nothing to web pages: a
  // browser preflights any cross-origin PUT/DELETE, and the origin guard refuses them anyway.
  // POST stays strict, since a cross-site form can POST text/plain with no preflight.
  const bodyAsJson = (method: string): boolean => method === 'PUT' || method === 'DELETE';
  // A request no route takes is answered 404 with the route to use instead (other-tool-routes.ts),
  // whatever its body: MailHog's client POSTs its release JSON with no Content-Type at all, and
  // was told to change the Content-Type of a route that does not exist here.
  const unrouted = (req: FastifyRequest, done: (err: Error | null, body?: unknown) => void) => {
    if (!req.is404) return false;
    done(null, undefined);
    return true;
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    unrouted(req, done) ? undefined : jsonParser(body, done),
  );
  // an Outlook .msg for Analyze: not a type a cross-site form can send, so a page cannot POST it
  // without a preflight, which the origin guard refuses
  app.addContentTypeParser(
    ['text/plain', 'message/rfc822', 'application/vnd.ms-outlook'],
    { parseAs: 'buffer' },
    (req, body, done) => {
      if (unrouted(req, done)) return;
      if (bodyAsJson(req.method)) jsonParser(body, done);
      else done(null, body);
    },
  );
  // curl's -d and --data-binary say form-urlencoded unless told otherwise: name what to send
  const unreadableBody = (type: string | undefined, method: string, url: string): Error => {
    const error = new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(type);
    error.message =
      `Content-Type: ${type || '(none)'} is not read by ${method} ${url.split('?')[0]}: send ` +
      'JSON as application/json, or a message or pasted headers as text/plain or ' +
      "message/rfc822 where the route takes one (curl -H 'Content-Type: text/plain' " +
      '--data-binary @headers.txt).';
    return error;
  };
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    if (unrouted(req, done)) return;
    if (bodyAsJson(req.method)) jsonParser(body, done);
    else done(unreadableBody(req.headers['content-type'], req.method, req.url), undefined);
  });

  app.addHook('onRequest', guardRequestOrigin(service.settings.http, service.settings.apiCors));
  const uiPassword = service.settings.uiPasswordFile;
  const sendPassword = service.settings.sendApiAuthFile;
  // the Send API with its own credentials (or none, by choice) is not behind the UI password
  const sendApiOwnAuth = sendPassword !== null || service.settings.sendApiAuthAcceptAny;
  const basicAuth = uiPassword
    ? createBasicAuth(
        await loadUiCredentials(uiPassword),
        service.settings,
        (line) => service.logLine(line),
        (path) => sendApiOwnAuth && path === '/api/v1/send',
      )
    : null;
  const sendAuth = sendPassword
    ? createBasicAuth(
        await loadUiCredentials(sendPassword, '--send-api-auth-file'),
        service.settings,
        (line) => service.logLine(line),
      )
    : null;
  if (basicAuth) app.addHook('onRequest', basicAuth.onRequest);
  app.addHook('preHandler', resolveLatestMatching(service));

  app.setErrorHandler(errorHandler((record) => service.logLine(record)));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const hint = otherToolRouteHint(req.method, path);
    reply
      .code(404)
      .send({ error: `no such route: ${req.method} ${path}${hint ? ` (${hint})` : ''}` });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Relaydesk API',
        version: relaydeskVersion,
        description:
          "Mailpit's v1 API and MailHog's v2 API (also under /mailhog/api/…), plus Relaydesk's own routes.",
      },
    },
    hideUntagged: false,
  });
  await app.register(fastifyWebsocket, {
    options: {
      // refused here rather than in the onRequest hook, so `ws` answers 403 and ends the socket
      verifyClient: (info, next) => {
        const reason = refusalReason(
          service.settings.http,
          'GET',
          info.req.headers,
          'WebSocket',
          service.settings.apiCors,
        );
        if (reason) next(false, 403, reason);
        else if (!basicAuth) next(true);
        else {
          void basicAuth
            .check(info.req.headers, info.req.socket.remoteAddress ?? '')
            .then((result) =>
              result === 'ok' ? next(true) : next(false, 401, 'UI password needed'),
            );
        }
      },
    },
  });

  registerMailpitRoutes(app, service);
  registerMailhogRoutes(app, service);
  registerRelaydeskRoutes(app, service);
  registerQueueRoutes(app, service);
  registerUserRoutes(app, service);
  registerLockoutRoutes(app, service);
  registerMetricsRoutes(app, service);
  registerSigningRoutes(app, service);
  registerControlRoutes(app, service);
  registerToolkitRoutes(app, service, {
    sendAuth,
    sendGuarded: sendAuth !== null || (basicAuth !== null && !sendApiOwnAuth),
  });
  registerSenderControlRoutes(app, service);
  registerListenerRoutes(app, service);
  registerSettingsRoutes(app, service);
  registerCheckRoutes(app, service);
  registerProxyRoutes(app, service);
  registerViewRoutes(app, service);
  registerEventsSocket(app, service);

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Mailpit's path for its API document (server/server.go): the same document, so tools pointed
  // at a Mailpit instance's swagger.json find this one's routes
  app.get('/api/v1/swagger.json', { schema: { hide: true } }, async () => app.swagger());

  const rendererDir = options.rendererDir ?? defaultRendererDir;
  if (existsSync(rendererDir)) {
    const icon = rendererIcon(rendererDir);
    if (icon) registerIconRoutes(app, icon);
    const firstPage = `<${firstListPagePath()}>; rel=preload; as=fetch; crossorigin`;
    await app.register(fastifyStatic, {
      root: rendererDir,
      prefix: '/',
      index: 'index.html',
      // the list's first page loads beside the scripts (see firstListPagePath)
      setHeaders: (res, path) => {
        if (basename(path) === 'index.html') res.setHeader('Link', firstPage);
      },
    });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/plain')
        .send('The UI is not built. Run `npm run build`, then reload. The API is at /api/v1/.'),
    );
  }
  return app;
}
