// Live events: WebSocket `/api/events`, one JSON `{Type, Data}` per frame. By default the frames
// are Mailpit's own (its web UI and clients follow them); `?shape=relaydesk` gives the API
// contract's, which our GUI reads (mailpit-events.ts says how the two differ). Mailpit's `stats`
// is rate limited as Mailpit does it (stats-rate.ts).
import type { FastifyInstance } from 'fastify';
import type { RelayService, ServiceEvent } from '../core/relay-service.js';
import type { RelaydeskEvent } from '../../preload/api-contract.js';
import { HeldEvents, relaydeskEventBatch, type EventBatch } from './event-batch.js';
import { toMailpitEvent, toMailpitFrames } from './mailpit/mailpit-events.js';
import { StatsRateLimit } from './mailpit/stats-rate.js';

export function registerEventsSocket(app: FastifyInstance, service: RelayService): void {
  // An answer goes out after the events that came before it (HeldEvents says why)
  const held = new HeldEvents<RelaydeskEvent>();
  app.addHook('onSend', async (_req, _reply, payload) => {
    held.flush();
    return payload;
  });
  app.route<{
    Querystring: { shape?: 'mailpit' | 'relaydesk'; batch?: '0' | '1'; logs?: 'all' | 'subscribe' };
  }>({
    method: 'GET',
    url: '/api/events',
    schema: {
      summary:
        'Live events (WebSocket): new, update, delete, truncate, prune, stats as {Type, Data}, as Mailpit sends them; ?shape=relaydesk: a deletion as one delete event listing its IDs (the API contract\'s, for Relaydesk\'s GUI), and every log line and a session event as each SMTP session begins and ends; with &batch=1, the events of each 25 ms as one frame, a JSON array of them in order (of several stats, the last); with &logs=subscribe, log lines only while the client has sent {"Type": "subscribe", "Data": "log"} (answered {"Type": "subscribed", "Data": "log"} once every later line will be sent; until {"Type": "unsubscribe", "Data": "log"})',
      tags: ['Mailpit'],
      querystring: {
        type: 'object',
        properties: {
          shape: { type: 'string', enum: ['mailpit', 'relaydesk'] },
          batch: { type: 'string', enum: ['0', '1'] },
          logs: { type: 'string', enum: ['all', 'subscribe'] },
        },
      },
      // hidden from the OpenAPI document, as every WebSocket route is (it describes HTTP answers)
      hide: true,
    },
    // A plain GET (a browser tab, curl, a client that forgot the handshake) is no handshake.
    // @fastify/websocket answered it 404 with an empty body, which reads as "no such path";
    // 426 says what is wanted (RFC 9110 §15.5.22, with the Upgrade field it requires), in the
    // `{error}` of our other API answers.
    handler: (req, reply) => {
      const scheme = req.protocol === 'https' ? 'wss' : 'ws';
      return reply
        .code(426)
        .header('upgrade', 'websocket')
        .header('connection', 'Upgrade')
        .send({
          error: `/api/events is a WebSocket endpoint: connect with a WebSocket client to ${scheme}://${req.host}/api/events (a plain HTTP GET gets no events)`,
        });
    },
    wsHandler: (socket, req) => {
      const mailpitShape = req.query.shape !== 'relaydesk';
      const frames = mailpitShape
        ? toMailpitFrames
        : (event: ServiceEvent) => [toMailpitEvent(event)];
      const batch: EventBatch<RelaydeskEvent> | null =
        !mailpitShape && req.query.batch === '1'
          ? relaydeskEventBatch((events) => {
              if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(events));
            })
          : null;
      const unhold = batch ? held.add(batch) : () => undefined;
      const send = (event: ServiceEvent): void => {
        if (socket.readyState !== socket.OPEN) return;
        if (batch) batch.add(toMailpitEvent(event));
        else for (const frame of frames(event)) socket.send(JSON.stringify(frame));
      };
      // Mailpit sends `stats` at most four times a second (stats-rate.ts); our GUI's shape keeps
      // every count, since the GUI batches its events itself (renderer/src/api/event-batching.ts)
      const stats = new StatsRateLimit(send);
      // Log lines are ~40 % of the GUI's event bytes, and only its Logs view shows them. A client
      // that connects with logs=subscribe gets them only while it asks (the Logs view is open);
      // one that does not (a GUI page from before this, a script reading ?shape=relaydesk) keeps
      // getting every line, as it always did.
      let followsLogs = mailpitShape ? false : req.query.logs !== 'subscribe';
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (mailpitShape || isBinary || data.length > 200) return;
        const asked = logSubscription(data.toString('utf8'));
        if (asked === null) return;
        followsLogs = asked;
        // said once every later line will come here: only then may the Logs view read the
        // history, or a line written between its read and this frame would be shown by neither
        if (asked && socket.readyState === socket.OPEN) socket.send(logSubscribedFrame);
      });
      const forward = (event: ServiceEvent): void => {
        // the Logs view's feed (two or three audit lines per message) is our GUI's alone: a
        // Mailpit client reading the next frame after sending mail must get `new`, not a log line
        if ((event.Type === 'log' || event.Type === 'session') && !followsLogs) return;
        if (mailpitShape && event.Type === 'counted') stats.offer(event);
        else send(event);
      };
      const stop = (): void => {
        service.off('event', forward);
        stats.close();
        unhold();
        batch?.close();
      };
      service.on('event', forward);
      socket.on('close', stop);
      socket.on('error', stop);
    },
  });
}

/**
 * The answer to a client's log subscription, once it is in effect: every line logged after it is
 * sent to that client (the GUI's http transport reads it, renderer/src/api/event-parse.ts).
 */
export const logSubscribedFrame = JSON.stringify({ Type: 'subscribed', Data: 'log' });

/**
 * A client's `{"Type": "subscribe" | "unsubscribe", "Data": "log"}`: true or false, or null for
 * anything else (ignored: a client's frame never closes the stream of events).
 */
export function logSubscription(text: string): boolean | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const { Type, Data } = frame as { Type?: unknown; Data?: unknown };
  if (Data !== 'log') return null;
  return Type === 'subscribe' ? true : Type === 'unsubscribe' ? false : null;
}
