// MailHog's live events: each new message as its v1/v2 JSON, to the Server-Sent Events stream
// `GET /api/v1/events` and the WebSocket `GET /api/v2/websocket` (MailHog-Server's api/v1.go
// `eventstream` with ian-kent/goose, and api/v2.go with websockets/hub.go). MailHog's UI follows
// the WebSocket; test helpers that wait for a message follow either.
//
// The wire forms are goose's and gorilla's, byte for byte: an event is the JSON indented by two
// spaces, each of its lines as `data: LINE`, then a blank line (no `event:` field, so
// EventSource calls it `message`); every minute `keepalive: ` and a blank line, which an
// EventSource ignores. On the WebSocket, a text frame of the compact JSON and a newline
// (gorilla's WriteJSON), and a ping every 54 s.
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { RelayService, ServiceEvent } from '../../core/relay-service.js';
import type { MessageRecord } from '../../core/message-record.js';
import { toMailhogMessage, type MailhogMessage } from './mailhog-message.js';

/** goose's keepalive (MailHog's `time.Tick(time.Minute)`). */
const keepaliveMs = 60_000;
/** gorilla's pingPeriod in MailHog: (60 s pong wait × 9) / 10. */
const pingMs = 54_000;

/** One MailHog message as goose writes it to an event stream. */
export function mailhogEventStreamFrame(message: MailhogMessage): string {
  const lines = JSON.stringify(message, null, 2).split('\n');
  return `${lines.map((line) => `data: ${line}\n`).join('')}\n`;
}

/** One MailHog message as gorilla's WriteJSON sends it on the WebSocket. */
export function mailhogWebSocketFrame(message: MailhogMessage): string {
  return `${JSON.stringify(message)}\n`;
}

export class MailhogEvents {
  private readonly streams = new Set<ServerResponse>();
  private readonly sockets = new Set<WebSocket>();
  private timers: NodeJS.Timeout[] = [];
  /** Messages are told in the order they were listed, though each is read from disk. */
  private told: Promise<void> = Promise.resolve();
  private readonly onEvent = (event: ServiceEvent): void => {
    if (event.Type === 'listed') this.tell(event.Data);
  };

  constructor(private readonly service: RelayService) {}

  /** Starts an event stream on a response whose head the caller has not sent. */
  addStream(res: ServerResponse, headers: Record<string, string | string[]>): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.drop(res));
    this.follow();
  }

  addSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.drop(socket));
    socket.on('error', () => this.drop(socket));
    this.follow();
  }

  /** Ends every stream and socket (the server is stopping: nothing may hold it open). */
  close(): void {
    for (const res of this.streams) res.end();
    for (const socket of this.sockets) socket.close(1001, 'server stopping');
    this.streams.clear();
    this.sockets.clear();
    this.unfollow();
  }

  private get listening(): number {
    return this.streams.size + this.sockets.size;
  }

  // the service is followed only while someone listens: no message is read for nobody
  private follow(): void {
    if (this.timers.length > 0) return;
    this.service.on('event', this.onEvent);
    this.timers = [
      setInterval(() => this.write('keepalive: \n\n'), keepaliveMs),
      setInterval(() => {
        for (const socket of this.sockets) socket.ping();
      }, pingMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  private unfollow(): void {
    this.service.off('event', this.onEvent);
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private drop(listener: ServerResponse | WebSocket): void {
    if ('writeHead' in listener) this.streams.delete(listener);
    else this.sockets.delete(listener);
    if (this.listening === 0) this.unfollow();
  }

  private tell(record: MessageRecord): void {
    this.told = this.told.then(async () => {
      if (this.listening === 0) return;
      let message: MailhogMessage;
      try {
        message = toMailhogMessage(record, await this.service.raw(record.id));
      } catch {
        return; // deleted before it could be read: there is nothing to show
      }
      this.write(mailhogEventStreamFrame(message));
      const frame = mailhogWebSocketFrame(message);
      for (const socket of this.sockets) {
        if (socket.readyState === socket.OPEN) socket.send(frame);
      }
    });
  }

  private write(text: string): void {
    for (const res of this.streams) if (!res.writableEnded) res.write(text);
  }
}
